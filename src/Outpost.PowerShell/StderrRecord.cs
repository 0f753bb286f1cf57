using System.Management.Automation;

namespace Outpost.PowerShell
{
    /// <summary>A line a job wrote to stderr, as PowerShell shows a native command's: a RemoteException record.</summary>
    internal static class StderrRecord
    {
        public static ErrorRecord For(string text, string stem) =>
            new ErrorRecord(new RemoteException(text), "OutpostJobStderr", ErrorCategory.NotSpecified, stem);
    }
}
