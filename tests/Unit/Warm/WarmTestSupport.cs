using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.Warm
{
    /// <summary>Real processes only: pids, liveness and the PowerShell the repo restores.</summary>
    internal static class WarmTestSupport
    {
        /// <summary>pwsh on PATH (test.sh puts the restored one there), else the restored one itself.</summary>
        public static string? FindPwsh()
        {
            string? onPath = ExecutableSearch.Find("pwsh");
            if (onPath != null) return onPath;
            string home = Environment.GetEnvironmentVariable("HOME") ?? "/root";
            string restored = Path.Combine(home, ".nuget", "packages", "powershell", "7.6.9", "tools", "net10.0", "any", "unix", "pwsh");
            return File.Exists(restored) ? restored : null;
        }

        public static string RequirePwsh()
        {
            string? pwsh = FindPwsh();
            if (pwsh == null) Assert.Skip("pwsh is not on PATH and the restored PowerShell 7.6.9 is absent: skipped");
            return pwsh!;
        }

        public static InterpreterTable ShellOnly() => new InterpreterTable().Set("sh", "/bin/sh");

        public static InterpreterTable ShellAndPwsh(string pwsh) => new InterpreterTable().Set("sh", "/bin/sh").Set("ps1", pwsh);

        public static bool IsAlive(int pid)
        {
            // A zombie still has a /proc entry; it counts as gone.
            string stat = $"/proc/{pid}/stat";
            try
            {
                string text = File.ReadAllText(stat);
                string state = text.Substring(text.LastIndexOf(')') + 2, 1);
                return state != "Z" && state != "X";
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return true; }
        }

        public static int ParentOf(int pid)
        {
            try
            {
                string text = File.ReadAllText($"/proc/{pid}/stat");
                return int.Parse(text.Substring(text.LastIndexOf(')') + 2).Split(' ')[1]);
            }
            catch (Exception e) when (e is IOException || e is FormatException || e is UnauthorizedAccessException) { return -1; }
        }

        public static IReadOnlyList<int> ChildrenOf(int pid) =>
            Directory.GetDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out int p) ? p : -1)
                .Where(p => p > 0 && ParentOf(p) == pid).ToList();

        public static void WaitGone(int pid, TimeSpan timeout) =>
            RunningResponder.WaitUntil(() => !IsAlive(pid), timeout);

        /// <summary>Waits until the pool holds a spare of the extension other than <paramref name="not"/>, and returns its pid.</summary>
        public static int WaitForSpare(SparePool pool, string extension, int not = -1, int seconds = 30)
        {
            int found = -1;
            RunningResponder.WaitUntil(() =>
            {
                found = pool.SpareIds(extension).FirstOrDefault(p => p != not);
                return found > 0;
            }, TimeSpan.FromSeconds(seconds));
            return found;
        }
    }
}
