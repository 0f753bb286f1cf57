using System;
using System.Globalization;
using System.Text.RegularExpressions;
using Outpost.Core.Protocol;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// The header lines that make a .ps1 job a session command: <c># outpost-session=&lt;id&gt;</c>, plus
    /// <c># outpost-session-open=&lt;idle seconds&gt;</c> on the command that opens it and
    /// <c># outpost-session-close=1</c> on the one that ends it. They are comments, so a v1 responder
    /// runs the job as an ordinary, stateless one.
    /// </summary>
    public sealed class SessionDirective
    {
        public const string SessionName = "outpost-session";
        public const string OpenName = "outpost-session-open";
        public const string CloseName = "outpost-session-close";
        private static readonly Regex IdPattern = new Regex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

        public string Id { get; private set; } = "";
        public bool Open { get; private set; }
        /// <summary>Asked for by the opener; 0 means the responder's default.</summary>
        public int IdleTimeoutSeconds { get; private set; }
        public bool Close { get; private set; }
        /// <summary>Why the header cannot be used (the job is refused with it), or null.</summary>
        public string? Error { get; private set; }

        public static bool IsValidId(string id) => IdPattern.IsMatch(id);

        /// <summary>The job's session header, or null for an ordinary job.</summary>
        public static SessionDirective? Read(string extension, byte[] content)
        {
            if (!extension.Equals("ps1", StringComparison.OrdinalIgnoreCase)) return null;
            string? session = TimeoutHeader.FindDirective(extension, content, SessionName);
            if (session == null) return null;
            var directive = new SessionDirective { Id = Value(session) };
            if (!IsValidId(directive.Id))
            {
                directive.Error = $"invalid session header \"{session}\" (the id must be 1-64 letters, digits, '-' or '_')";
                return directive;
            }
            string? open = TimeoutHeader.FindDirective(extension, content, OpenName);
            if (open != null)
            {
                directive.Open = true;
                if (!int.TryParse(Value(open), NumberStyles.None, CultureInfo.InvariantCulture, out int idle) || idle > Wire.MaxTimeoutSeconds * 30)
                    directive.Error = $"invalid session header \"{open}\" (expected idle seconds, 0 for the responder's default)";
                directive.IdleTimeoutSeconds = idle;
            }
            directive.Close = TimeoutHeader.FindDirective(extension, content, CloseName) != null;
            return directive;
        }

        /// <summary>The header lines a submitter puts at the top of a session command.</summary>
        public static string Header(string id, bool open = false, int idleTimeoutSeconds = 0, bool close = false)
        {
            if (!IsValidId(id)) throw new ArgumentException($"invalid session id '{id}'", nameof(id));
            string header = "# " + SessionName + "=" + id + "\n";
            if (open) header += "# " + OpenName + "=" + idleTimeoutSeconds.ToString(CultureInfo.InvariantCulture) + "\n";
            if (close) header += "# " + CloseName + "=1\n";
            return header;
        }

        private static string Value(string nameValue) => nameValue.Substring(nameValue.IndexOf('=') + 1).Trim();
    }
}
