namespace Outpost.Tests.Support
{
    /// <summary>
    /// Skips for tests that need what only some hosts have, each with the one-line reason the test run
    /// prints, so the Windows and macOS CI legs go green on what they can run and say what they skipped.
    /// </summary>
    public static class HostRequirements
    {
        /// <summary>The test's jobs are POSIX sh scripts (echo, sleep, redirections).</summary>
        public static void RequirePosixShell()
        {
            if (OperatingSystem.IsWindows()) Assert.Skip("needs a POSIX sh: the test's jobs are shell scripts (Linux and macOS)");
        }

        /// <summary>The test runs a job of this extension: POSIX shell jobs need Linux or macOS.</summary>
        public static void RequireInterpreterFor(string extension)
        {
            if (extension is "sh" or "bash" or "zsh" or "dash" or "ksh") RequirePosixShell();
        }

        /// <summary>The test checks Linux behaviour: /proc, systemd, Linux-only file-system semantics.</summary>
        public static void RequireLinux(string what)
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip($"needs Linux: {what}");
        }

        /// <summary>The test checks Unix behaviour: file modes, signals, setsid, symlinks without privileges.</summary>
        public static void RequireUnix(string what)
        {
            if (OperatingSystem.IsWindows()) Assert.Skip($"needs Linux or macOS: {what}");
        }
    }
}
