using System;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// cmd.exe cannot use a UNC path (\\server\share\...) as its current folder: it warns and runs the
    /// script in the Windows folder instead, where a relative path would touch the wrong files. Such a job
    /// is refused with the reason rather than run in the wrong place.
    /// </summary>
    // "CMD does not support UNC paths as current directories": https://learn.microsoft.com/troubleshoot/windows-server/shell-experience/command-prompt-unc-paths-not-supported
    public static class CmdWorkingFolder
    {
        public static bool IsUnc(string path) =>
            path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal);

        /// <summary>Why <paramref name="interpreter"/> cannot run in <paramref name="workingDirectory"/>, or null when it can.</summary>
        public static string? Refusal(Interpreter interpreter, string? workingDirectory)
        {
            if (string.IsNullOrEmpty(workingDirectory) || !IsUnc(workingDirectory!) || !Interpreter.IsCmd(interpreter.Path)) return null;
            return $"cmd.exe cannot run a .{interpreter.Extension} job in the UNC working folder {workingDirectory}: " +
                   "give the responder a workdir on a drive letter (map the share), or pushd to the UNC path inside the script";
        }
    }
}
