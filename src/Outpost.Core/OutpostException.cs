using System;

namespace Outpost.Core
{
    /// <summary>What kind of failure, so each front end can say it its own way (ErrorCategory, exit code).</summary>
    public enum OutpostErrorKind
    {
        InvalidArgument,
        NotFound,
        ConnectionError,
        ProtocolMismatch,
        Timeout,
        InvalidOperation,
        InvalidData,
        PermissionDenied,
        /// <summary>Held by someone else (a share another responder serves).</summary>
        ResourceBusy,
        /// <summary>Something is already where it would go (a file a copy would replace without -Force).</summary>
        AlreadyExists,
    }

    /// <summary>A failure a user can act on, with a stable id (the ErrorRecord's ErrorId).</summary>
    public class OutpostException : Exception
    {
        public OutpostException(string errorId, OutpostErrorKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        public string ErrorId { get; }
        public OutpostErrorKind Kind { get; }
        public object? Target { get; }
    }
}
