using System;
using System.Diagnostics;
using System.IO;

namespace Outpost.Tests.Support
{
    /// <summary>A real `outpost run` process, for tests that kill it with SIGKILL (nothing in-process survives that honestly).</summary>
    public static class ResponderProcess
    {
        /// <param name="arguments">Added after <c>run --dir &lt;share&gt; --poll 50ms --quiet</c>.</param>
        public static Process Start(string share, string arguments = "")
        {
            var process = Process.Start(new ProcessStartInfo("dotnet",
                $"\"{Path.Combine(AppContext.BaseDirectory, "outpost.dll")}\" run --dir \"{share}\" --poll 50ms --quiet {arguments}")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            // Drain both pipes: a responder blocked on a full pipe would look like a hang.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
    }
}
