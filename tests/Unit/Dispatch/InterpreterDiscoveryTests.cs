using System.Collections.Generic;
using System.IO;
using Outpost.Core.Dispatch;
using Outpost.Core.Transport;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    /// <summary>Discovery over real folders and real programs: lookalikes on PATH are skipped.</summary>
    public class InterpreterDiscoveryTests
    {
        private static string Script(string folder, string name, string body)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, name);
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            UnixFile.TrySetMode(path, System.Convert.ToInt32("755", 8));
            return path;
        }

        [Fact]
        public void The_store_python_alias_that_exits_9009_is_skipped_for_a_working_python()
        {
            string? realPython = ExecutableSearch.Find("python3");
            if (realPython == null) Assert.Skip("python3 is not installed: skipped");
            using var folder = new TempFolder();
            // The alias stub: prints the Store hint and exits 9009, as the real one does.
            string stub = Script(folder.Combine("Microsoft", "WindowsApps"), "python3", "echo 'Python was not found; run without arguments to install from the Microsoft Store' >&2; exit 9009");
            string real = Script(folder.Combine("python", "bin"), "python3", $"exec '{realPython}' \"$@\"");
            var search = new SearchPath(new[] { Path.GetDirectoryName(stub)!, Path.GetDirectoryName(real)! }, new string[0]);
            var table = InterpreterTable.Discover(search, windows: false, SmokeTest);
            Assert.Equal(real, table.Find("py")!.Path);
        }

        [Fact]
        public void A_working_app_execution_alias_is_kept()
        {
            string? realPython = ExecutableSearch.Find("python3");
            if (realPython == null) Assert.Skip("python3 is not installed: skipped");
            using var folder = new TempFolder();
            string alias = Script(folder.Combine("WindowsApps"), "python3", $"exec '{realPython}' \"$@\"");
            var table = InterpreterTable.Discover(new SearchPath(new[] { Path.GetDirectoryName(alias)! }, new string[0]), windows: false, SmokeTest);
            Assert.Equal(alias, table.Find("py")!.Path);
        }

        [Fact]
        public void WSLs_bash_launcher_in_System32_is_never_taken()
        {
            using var folder = new TempFolder();
            string wsl = Script(folder.Combine("Windows", "System32"), "bash", "exit 0");
            string git = Script(folder.Combine("Git", "bin"), "bash", "exit 0");
            var smoked = new List<string>();
            var table = InterpreterTable.Discover(new SearchPath(new[] { Path.GetDirectoryName(wsl)!, Path.GetDirectoryName(git)! }, new string[0]),
                windows: false, (ext, path) => { smoked.Add(path); return true; });
            Assert.Equal(git, table.Find("bash")!.Path);
            Assert.Empty(smoked); // only app execution aliases cost a smoke test
            Assert.True(SuspectInterpreter.IsWslLauncher(@"C:\Windows\System32\bash.exe"));
            Assert.True(SuspectInterpreter.IsWslLauncher(@"C:\WINDOWS\system32\wsl.exe"));
            Assert.False(SuspectInterpreter.IsWslLauncher(@"C:\Program Files\Git\bin\bash.exe"));
            Assert.True(SuspectInterpreter.IsAppExecutionAlias(@"C:\Users\me\AppData\Local\Microsoft\WindowsApps\python.exe"));
        }

        [Fact]
        public void Cmd_runs_without_AutoRun_and_refuses_a_UNC_working_folder()
        {
            Assert.Equal(new[] { "/d", "/c" }, Interpreter.DefaultArgumentsFor("cmd", @"C:\Windows\System32\cmd.exe"));
            Assert.Equal(new[] { "/d", "/c" }, new Interpreter("bat", @"C:\Windows\System32\CMD.EXE").Arguments);
            Assert.Equal(new[] { "/c" }, new Interpreter("btm", @"C:\Program Files\JPSoft\tcc.exe").Arguments);
            var cmd = new Interpreter("cmd", @"C:\Windows\System32\cmd.exe");
            Assert.Contains("UNC working folder", CmdWorkingFolder.Refusal(cmd, @"\\server\share\work"));
            Assert.Null(CmdWorkingFolder.Refusal(cmd, @"Z:\work"));
            Assert.Null(CmdWorkingFolder.Refusal(new Interpreter("ps1", "pwsh"), @"\\server\share\work"));
        }

        private static bool SmokeTest(string ext, string path) =>
            Outpost.Core.Probing.InterpreterProbe.SmokeTest(ext, path, System.TimeSpan.FromSeconds(20)).Works;
    }
}
