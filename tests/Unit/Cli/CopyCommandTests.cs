using System.IO;
using Outpost.Tests.Support;
using Core = global::Outpost.Core;

namespace Outpost.Tests.Cli
{
    /// <summary><c>outpost cp</c> run as a real process against a real responder, as a user at a shell would.</summary>
    public class CopyCommandTests
    {
        private static string Registry(TempFolder folder, string share)
        {
            string file = folder.Combine("targets.toml");
            File.WriteAllText(file, $"[target.vm]\npath = {Core.Config.TargetsFileEditor.Quote(share)}\n");
            return file;
        }

        [Fact]
        public async Task Cp_sends_a_folder_with_r_and_brings_it_back()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            using var remote = new TempFolder();
            await using var responder = new RunningResponder(o => o.WorkingDirectory = remote.Path);
            string targets = Registry(local, responder.SharePath);
            Directory.CreateDirectory(local.Combine("tree", "sub"));
            File.WriteAllText(local.Combine("tree", "sub", "a b.txt"), "alpha\n");

            var sent = CliTests.RunCli($"cp -r --targets \"{targets}\" \"{local.Combine("tree")}\" \"vm:{remote.Path}\"");
            Assert.True(sent.Exit == 0, sent.Stderr);
            Assert.Equal("alpha\n", File.ReadAllText(remote.Combine("tree", "sub", "a b.txt")));

            var again = CliTests.RunCli($"cp -r --targets \"{targets}\" \"{local.Combine("tree")}\" \"vm:{remote.Path}\"");
            Assert.Equal(1, again.Exit);
            Assert.Contains("already exists; use -f to replace it", again.Stderr);
            Assert.Equal(0, CliTests.RunCli($"cp -rf --targets \"{targets}\" \"{local.Combine("tree")}\" \"vm:{remote.Path}\"").Exit);

            // A bare "vm:" is the folder the target's jobs run in, as scp's "host:" is the home folder.
            var bare = CliTests.RunCli($"cp --targets \"{targets}\" \"{local.Combine("tree", "sub", "a b.txt")}\" vm:");
            Assert.True(bare.Exit == 0, bare.Stderr);
            Assert.Equal("alpha\n", File.ReadAllText(remote.Combine("a b.txt")));

            var back = CliTests.RunCli($"cp -r --targets \"{targets}\" \"vm:{remote.Combine("tree")}\" \"{local.Combine("back")}\"");
            Assert.True(back.Exit == 0, back.Stderr);
            Assert.Equal("alpha\n", File.ReadAllText(local.Combine("back", "sub", "a b.txt")));
            Assert.Equal("", back.Stdout);
        }

        [Fact]
        public async Task Cp_errors_exit_non_zero_with_a_clear_message()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            await using var responder = new RunningResponder();
            string targets = Registry(local, responder.SharePath);

            var missing = CliTests.RunCli($"cp --targets \"{targets}\" vm:/no/such/file.txt \"{local.Path}\"");
            Assert.Equal(1, missing.Exit);
            Assert.Contains("outpost cp: vm: Cannot find path '/no/such/file.txt' because it does not exist.", missing.Stderr);

            var folder = CliTests.RunCli($"cp --targets \"{targets}\" \"{local.Path}\" vm:/tmp");
            Assert.Equal(1, folder.Exit);
            Assert.Contains("use -r to copy it", folder.Stderr);

            // A drive-letter path is local, never a target named "c".
            var drive = CliTests.RunCli($"cp --targets \"{targets}\" \"c:\\nothing.txt\" vm:/tmp");
            Assert.Equal(1, drive.Exit);
            Assert.Contains("Cannot find path", drive.Stderr);

            File.WriteAllText(local.Combine("gone.toml"), $"[target.gone]\npath = {Core.Config.TargetsFileEditor.Quote(local.Combine("no-share"))}\n");
            var gone = CliTests.RunCli($"cp --targets \"{local.Combine("gone.toml")}\" \"{targets}\" gone:/tmp");
            Assert.Equal(74, gone.Exit);
            Assert.Contains("not reachable", gone.Stderr);

            var unknown = CliTests.RunCli($"cp --targets \"{targets}\" \"{local.Path}\" nope:/tmp");
            Assert.NotEqual(0, unknown.Exit);
            Assert.Contains("\"nope\"", unknown.Stderr);
        }

        [Fact]
        public void Cp_usage_mistakes_exit_2_and_help_exits_0()
        {
            var bothLocal = CliTests.RunCli("cp a b");
            Assert.Equal(2, bothLocal.Exit);
            Assert.Contains("exactly one side must be remote", bothLocal.Stderr);
            Assert.Equal(2, CliTests.RunCli("cp vm:a vm:b").Exit);
            Assert.Equal(2, CliTests.RunCli("cp onlyone").Exit);
            Assert.Equal(2, CliTests.RunCli("cp --bogus a vm:b").Exit);
            var help = CliTests.RunCli("cp --help");
            Assert.Equal(0, help.Exit);
            Assert.Contains("usage: outpost cp", help.Stdout);
            Assert.Contains("target:path", help.Stdout);
        }
    }
}
