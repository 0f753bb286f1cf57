using System;
using System.IO;
using System.Management.Automation;
using Outpost.Core;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The one map from Outpost's failures to PowerShell's error categories, used by cmdlets and jobs alike,
    /// so the same failure reads the same whether it ends a cmdlet or a job.
    /// </summary>
    internal static class ErrorCategories
    {
        public static ErrorCategory Of(OutpostErrorKind kind) => kind switch
        {
            OutpostErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            OutpostErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            OutpostErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            OutpostErrorKind.ProtocolMismatch => ErrorCategory.InvalidData,
            OutpostErrorKind.Timeout => ErrorCategory.OperationTimeout,
            OutpostErrorKind.InvalidData => ErrorCategory.InvalidData,
            OutpostErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            OutpostErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            OutpostErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
            _ => ErrorCategory.InvalidOperation,
        };

        public static ErrorCategory Of(Exception e) => e switch
        {
            OutpostException o => Of(o.Kind),
            OperationCanceledException _ => ErrorCategory.OperationStopped,
            UnauthorizedAccessException _ => ErrorCategory.PermissionDenied,
            FileNotFoundException _ => ErrorCategory.ObjectNotFound,
            DirectoryNotFoundException _ => ErrorCategory.ObjectNotFound,
            IOException _ => ErrorCategory.ResourceUnavailable,
            ArgumentException _ => ErrorCategory.InvalidArgument,
            _ => ErrorCategory.NotSpecified,
        };

        /// <summary>An ErrorRecord for any failure: an OutpostException keeps its stable id and target.</summary>
        public static ErrorRecord Record(Exception e, string fallbackId, object? target) =>
            e is OutpostException o
                ? new ErrorRecord(o, o.ErrorId, Of(o.Kind), o.Target ?? target)
                : new ErrorRecord(e, fallbackId, Of(e), target);
    }
}
