using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;
using Outpost.Tests.Warm;
using Xunit;

namespace Outpost.Tests.Files
{
    /// <summary>
    /// Copies both ways through a real responder on a real folder, once with the target's scripts in sh and
    /// once in PowerShell (a target that runs only one of them), with Copy-Item's rules for destinations.
    /// </summary>
    public class RemoteCopyTests
    {
        /// <summary>A responder that runs only <paramref name="language"/> jobs, so the copy must use that script.</summary>
        private static RunningResponder Responder(string language, string? workingFolder = null)
        {
            HostRequirements.RequireUnix("the target's sh, file modes and paths are Unix ones here");
            var table = language == "ps1" ? new InterpreterTable().Set("ps1", WarmTestSupport.RequirePwsh()) : new InterpreterTable().Set("sh", "/bin/sh");
            return new RunningResponder(o =>
            {
                o.Interpreters = table;
                o.Warm = WarmSettings.Off;
                o.WorkingDirectory = workingFolder;
            });
        }

        private static string MakeTree(TempFolder local)
        {
            string src = local.Combine("tree");
            Directory.CreateDirectory(Path.Combine(src, "sub", "empty"));
            File.WriteAllText(Path.Combine(src, "a.txt"), "alpha\n");
            File.WriteAllText(Path.Combine(src, "sub", "b 'q' é.txt"), "beta\n");
            return src;
        }

        [Theory]
        [InlineData("sh")]
        [InlineData("ps1")]
        public async Task A_folder_goes_to_the_target_and_comes_back_with_Recurse(string language)
        {
            using var local = new TempFolder();
            using var remote = new TempFolder();
            string src = MakeTree(local);
            await using var responder = Responder(language);
            var options = new RemoteCopyOptions { Recurse = true, Timeout = TimeSpan.FromSeconds(60) };

            // An existing destination folder receives the item inside it.
            var placed = RemoteCopy.ToTarget(responder.Target, new[] { src }, remote.Path, options);
            Assert.Equal(new[] { Path.Combine(remote.Path, "tree") }, placed.Select(p => p.FullName));
            Assert.True(placed[0].IsFolder);
            Assert.Equal("beta\n", File.ReadAllText(Path.Combine(remote.Path, "tree", "sub", "b 'q' é.txt")));
            Assert.True(Directory.Exists(Path.Combine(remote.Path, "tree", "sub", "empty")));

            // Copied again onto itself with Force, the folders merge: what only the destination had stays.
            File.WriteAllText(Path.Combine(remote.Path, "tree", "sub", "extra.txt"), "kept\n");
            File.WriteAllText(Path.Combine(src, "a.txt"), "alpha 2\n");
            var clash = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { src }, remote.Path, options));
            Assert.Equal("ItemExists", clash.ErrorId);
            RemoteCopy.ToTarget(responder.Target, new[] { src }, remote.Path, new RemoteCopyOptions { Recurse = true, Force = true });
            Assert.Equal("alpha 2\n", File.ReadAllText(Path.Combine(remote.Path, "tree", "a.txt")));
            Assert.Equal("kept\n", File.ReadAllText(Path.Combine(remote.Path, "tree", "sub", "extra.txt")));
            Assert.Empty(Directory.GetFiles(Path.Combine(remote.Path, "tree"), "*outpost-partial*"));

            // A destination that does not exist becomes the copy.
            string back = local.Combine("back");
            var home = RemoteCopy.FromTarget(responder.Target, Path.Combine(remote.Path, "tree"), back, options);
            Assert.Equal(new[] { back }, home);
            Assert.Equal("alpha 2\n", File.ReadAllText(Path.Combine(back, "a.txt")));
            Assert.Equal("kept\n", File.ReadAllText(Path.Combine(back, "sub", "extra.txt")));
            Assert.True(Directory.Exists(Path.Combine(back, "sub", "empty")), "an empty folder inside is made here too");
            Assert.Equal("beta\n", File.ReadAllText(Path.Combine(back, "sub", "b 'q' é.txt")));

            // An empty folder comes back as an empty folder.
            var emptyBack = RemoteCopy.FromTarget(responder.Target, Path.Combine(remote.Path, "tree", "sub", "empty"), local.Combine("e"), options);
            Assert.Equal(new[] { local.Combine("e") }, emptyBack);
            Assert.Empty(Directory.GetFileSystemEntries(local.Combine("e")));

            // The copy jobs leave nothing in the share's outbox.
            Assert.Empty(Directory.GetFiles(Path.Combine(responder.SharePath, "outbox", "1")));
        }

        [Theory]
        [InlineData("sh")]
        [InlineData("ps1")]
        public async Task A_file_is_copied_into_a_folder_or_onto_a_new_name_and_replaced_only_with_Force(string language)
        {
            using var local = new TempFolder();
            using var remote = new TempFolder();
            File.WriteAllText(local.Combine("one.txt"), "first\n");
            await using var responder = Responder(language);
            var options = new RemoteCopyOptions { Timeout = TimeSpan.FromSeconds(60) };

            RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("one.txt") }, remote.Combine("renamed.txt"), options);
            Assert.Equal("first\n", File.ReadAllText(remote.Combine("renamed.txt")));

            File.WriteAllText(local.Combine("one.txt"), "second\n");
            var e = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("one.txt") }, remote.Combine("renamed.txt"), options));
            Assert.Equal("ItemExists", e.ErrorId);
            Assert.Equal(OutpostErrorKind.AlreadyExists, e.Kind);
            Assert.Equal("first\n", File.ReadAllText(remote.Combine("renamed.txt")));
            RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("one.txt") }, remote.Combine("renamed.txt"), new RemoteCopyOptions { Force = true });
            Assert.Equal("second\n", File.ReadAllText(remote.Combine("renamed.txt")));

            // Fetched into an existing local folder, and refused there the second time without Force.
            string into = local.Combine("into");
            Directory.CreateDirectory(into);
            var home = RemoteCopy.FromTarget(responder.Target, remote.Combine("renamed.txt"), into, options);
            Assert.Equal(new[] { Path.Combine(into, "renamed.txt") }, home);
            Assert.Equal("second\n", File.ReadAllText(home[0]));
            e = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, remote.Combine("renamed.txt"), into, options));
            Assert.Equal("ItemExists", e.ErrorId);
            Assert.Equal(new[] { "renamed.txt" }, Directory.GetFileSystemEntries(into).Select(Path.GetFileName)); // no staging folder left behind
        }

        [Theory]
        [InlineData("sh")]
        [InlineData("ps1")]
        public async Task A_missing_remote_path_and_a_folder_without_Recurse_fail_clearly(string language)
        {
            using var local = new TempFolder();
            using var remote = new TempFolder();
            Directory.CreateDirectory(remote.Combine("dir"));
            await using var responder = Responder(language);
            var options = new RemoteCopyOptions { Timeout = TimeSpan.FromSeconds(60) };

            var missing = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, remote.Combine("nope.txt"), local.Path, options));
            Assert.Equal("PathNotFound", missing.ErrorId);
            Assert.Equal(OutpostErrorKind.NotFound, missing.Kind);
            Assert.Contains($"Cannot find path '{remote.Combine("nope.txt")}' because it does not exist.", missing.Message);

            var folder = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, remote.Combine("dir"), local.Path, options));
            Assert.Equal("FolderNeedsRecurse", folder.ErrorId);

            File.WriteAllText(local.Combine("f.txt"), "f");
            var parent = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("f.txt") }, remote.Combine("no", "such", "f.txt"), options));
            Assert.Equal("DestinationNotFound", parent.ErrorId);
            Assert.Empty(Directory.GetFiles(Path.Combine(responder.SharePath, "outbox", "1")));
        }

        [Fact]
        public async Task A_responder_that_requires_signatures_takes_a_signed_copy_and_refuses_an_unsigned_one()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            using var remote = new TempFolder();
            File.WriteAllText(local.Combine("signed.txt"), "signed\n");
            var key = Outpost.Core.Trust.OutpostKey.Generate("copier");
            await using var responder = new RunningResponder(o => o.Trust = new Outpost.Core.Trust.TrustPolicy
                { RequireSignature = true, TrustedKeys = { key }, LedgerPath = local.Combine("seen.txt") });
            var options = new RemoteCopyOptions { Timeout = TimeSpan.FromSeconds(60) };
            Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("signed.txt") }, remote.Path, options));
            Assert.False(File.Exists(remote.Combine("signed.txt")));
            options.SigningKey = key;
            RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("signed.txt") }, remote.Path, options);
            Assert.Equal("signed\n", File.ReadAllText(remote.Combine("signed.txt")));
        }

        [Fact]
        public async Task Local_mistakes_are_refused_before_anything_is_sent()
        {
            using var local = new TempFolder();
            await using var responder = Responder("sh");
            var options = new RemoteCopyOptions();
            var missing = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("absent.txt") }, "/tmp", options));
            Assert.Equal("PathNotFound", missing.ErrorId);
            Assert.Contains("because it does not exist", missing.Message);
            var folder = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Path }, "/tmp", options));
            Assert.Equal("FolderNeedsRecurse", folder.ErrorId);
            var noParent = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, "/etc/hostname", local.Combine("x", "y"), options));
            Assert.Equal("DestinationNotFound", noParent.ErrorId);
            foreach (string bad in new[] { "", "  ", "/tmp/a\nb", "~/x", "/" })
            {
                var e = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, bad, local.Path, options));
                Assert.Equal("InvalidRemotePath", e.ErrorId);
            }
            Assert.False(Directory.Exists(Path.Combine(responder.SharePath, "inbox", "1")) && Directory.GetFiles(Path.Combine(responder.SharePath, "inbox", "1"), "*copy*").Length > 0);
        }

        [Theory]
        [InlineData("sh")]
        [InlineData("ps1")]
        public async Task Several_items_go_into_a_folder_and_a_wildcard_fetches_the_matching_files(string language)
        {
            using var local = new TempFolder();
            using var remote = new TempFolder();
            File.WriteAllText(local.Combine("x.log"), "x");
            File.WriteAllText(local.Combine("y.log"), "y");
            File.WriteAllText(local.Combine("z.txt"), "z");
            await using var responder = Responder(language, workingFolder: remote.Path);
            var options = new RemoteCopyOptions { Timeout = TimeSpan.FromSeconds(60) };

            var notFolder = Assert.Throws<OutpostException>(() =>
                RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("x.log"), local.Combine("y.log") }, remote.Combine("new"), options));
            Assert.Equal("DestinationTypeMismatch", notFolder.ErrorId);

            // A relative destination is relative to the folder the target's jobs run in.
            var placed = RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("x.log"), local.Combine("y.log"), local.Combine("z.txt") }, ".", options);
            Assert.Equal(3, placed.Count);
            Assert.True(File.Exists(remote.Combine("z.txt")));

            string back = local.Combine("back");
            Directory.CreateDirectory(back);
            var home = RemoteCopy.FromTarget(responder.Target, "*.log", back, options);
            Assert.Equal(new[] { "x.log", "y.log" }, home.Select(Path.GetFileName).OrderBy(n => n));
            var none = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, "*.none", back, options));
            Assert.Equal("PathNotFound", none.ErrorId);
        }

        [Theory]
        [InlineData("sh")]
        [InlineData("ps1")]
        public async Task A_folder_reached_through_a_link_is_fetched_but_a_linked_item_is_not_followed(string language)
        {
            using var local = new TempFolder();
            using var remote = new TempFolder();
            await using var responder = Responder(language);
            Directory.CreateDirectory(remote.Combine("real"));
            File.WriteAllText(remote.Combine("real", "f.txt"), "through\n");
            File.CreateSymbolicLink(remote.Combine("linked"), remote.Combine("real")); // as macOS's /tmp is
            File.CreateSymbolicLink(remote.Combine("real", "l.txt"), "/etc/hostname");
            var options = new RemoteCopyOptions { Timeout = TimeSpan.FromSeconds(60) };

            var home = RemoteCopy.FromTarget(responder.Target, remote.Combine("linked", "f.txt"), local.Path, options);
            Assert.Equal("through\n", File.ReadAllText(home.Single()));
            var e = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, remote.Combine("linked", "l.txt"), local.Path, options));
            Assert.Equal("LinkNotFollowed", e.ErrorId);
            Assert.Contains("is a link", e.Message);
            e = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(responder.Target, remote.Combine("linked"), local.Path, new RemoteCopyOptions { Recurse = true }));
            Assert.Equal("LinkNotFollowed", e.ErrorId);
            Assert.False(File.Exists(local.Combine("l.txt")));
            Assert.False(Directory.Exists(local.Combine("linked")));
        }

        [Fact]
        public async Task A_target_that_runs_neither_ps1_nor_sh_is_refused()
        {
            HostRequirements.RequireUnix("the stand-in interpreter is a Unix path");
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("f.txt"), "f");
            await using var responder = new RunningResponder(o =>
            {
                o.Interpreters = new InterpreterTable().Set("py", "/usr/bin/python3");
                o.Warm = WarmSettings.Off;
            });
            var e = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(responder.Target, new[] { local.Combine("f.txt") }, "/tmp", new RemoteCopyOptions()));
            Assert.Equal("CopyNotSupported", e.ErrorId);
            Assert.Contains(".py", e.Message);
        }

        [Fact]
        public void A_v1_responder_is_refused_before_anything_is_written()
        {
            using var share = new TempFolder();
            Directory.CreateDirectory(share.Combine("inbox"));
            File.WriteAllText(share.Combine("inbox", "dispatch.txt"), "protocol_version=1\nlane_count=1\ncwd=/tmp\nplatform.os=linux\ndispatch.sh=/bin/sh\n");
            File.WriteAllText(share.Combine("a.txt"), "a");
            var target = new OutpostTarget(share.Path, "go-peer");
            var send = Assert.Throws<OutpostException>(() => RemoteCopy.ToTarget(target, new[] { share.Combine("a.txt") }, "/tmp", new RemoteCopyOptions()));
            Assert.Equal("FilesNotSupported", send.ErrorId);
            var fetch = Assert.Throws<OutpostException>(() => RemoteCopy.FromTarget(target, "/etc/hostname", share.Path, new RemoteCopyOptions()));
            Assert.Equal("FilesNotSupported", fetch.ErrorId);
            Assert.False(Directory.Exists(share.Combine("inbox", "1")) && Directory.EnumerateFileSystemEntries(share.Combine("inbox", "1")).Any());
            Assert.Equal(new[] { "a.txt", "inbox" }, Directory.GetFileSystemEntries(share.Path).Select(Path.GetFileName).OrderBy(n => n)); // no staging folder left
        }

        [Theory]
        [InlineData("/srv/a/b.txt", false, null, "/srv/a/b.txt", "/srv/a", "b.txt")]
        [InlineData("/srv/a/", false, null, "/srv/a", "/srv", "a")]
        [InlineData("/x", false, null, "/x", "/", "x")]
        [InlineData("logs/*.log", false, "/home/u", "/home/u/logs/*.log", "/home/u/logs", "*.log")]
        [InlineData(@"C:\Temp\x.txt", true, null, @"C:\Temp\x.txt", @"C:\Temp", "x.txt")]
        [InlineData(@"C:\x.txt", true, null, @"C:\x.txt", @"C:\", "x.txt")]
        [InlineData("C:/Temp/dir/", true, null, "C:/Temp/dir", "C:/Temp", "dir")]
        [InlineData(@"out\r.log", true, @"C:\Users\me", @"C:\Users\me\out\r.log", @"C:\Users\me\out", "r.log")]
        [InlineData(@"\\srv\share\f", true, null, @"\\srv\share\f", @"\\srv\share", "f")]
        public void Remote_paths_follow_the_targets_rules(string given, bool windows, string? cwd, string full, string parent, string leaf)
        {
            var path = RemotePath.Parse(given, windows, cwd);
            Assert.Equal(full, path.Full);
            Assert.Equal(parent, path.Parent);
            Assert.Equal(leaf, path.Leaf);
        }

        [Fact]
        public void Wildcard_leaves_become_patterns_where_only_star_and_question_mark_are_special()
        {
            Assert.Equal("'a b'*'.[x]'?", RemoteCopyScript.ShPattern("a b*.[x]?"));
            Assert.Equal("a b*.`[x`]?", RemoteCopyScript.LikePattern("a b*.[x]?"));
            Assert.Equal("'it'\\''s'*", RemoteCopyScript.ShPattern("it's*"));
        }
    }
}
