using System.Management.Automation;

namespace Outpost.PowerShell
{
    /// <summary>A line a job wrote to stderr, as PowerShell shows a native command's: a RemoteException record.</summary>
    internal static class StderrRecord
    {
        /// <param name="target">The record's target: the job's stem, or the target's name where several run at once.</param>
        public static ErrorRecord For(string text, string target) =>
            new ErrorRecord(new RemoteException(text), "OutpostJobStderr", ErrorCategory.NotSpecified, target);
    }
}
