using System;
using System.IO;
using System.Linq;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    public class PrivateScriptFolderTests
    {
        [Fact]
        public void Windows_keeps_scripts_in_the_accounts_own_profile_not_a_shared_temp()
        {
            // SYSTEM under .NET Framework: temp is C:\Windows\Temp, the profile is private.
            string root = PrivateScriptFolder.RootFor(true, @"C:\Windows\system32\config\systemprofile\AppData\Local", @"C:\Windows\Temp\");
            Assert.StartsWith(@"C:\Windows\system32\config\systemprofile\AppData\Local", root);
            Assert.DoesNotContain(@"Windows\Temp", root);
            Assert.Equal("/tmp/", PrivateScriptFolder.RootFor(false, "/home/u/.local/share", "/tmp/"));
            Assert.Equal(@"C:\Temp\", PrivateScriptFolder.RootFor(true, "", @"C:\Temp\"));
        }

        [Fact]
        public void The_folder_is_created_private_to_its_owner()
        {
            using var root = new TempFolder();
            string folder = PrivateScriptFolder.Create(root.Combine("nested", "root"));
            Assert.True(Directory.Exists(folder));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }

        [Fact]
        public void A_folder_whose_owner_let_go_is_removed_and_a_held_one_or_a_stranger_is_not()
        {
            using var root = new TempFolder();
            string held = PrivateScriptFolder.CreateOwned(root.Path);
            string abandoned = PrivateScriptFolder.CreateOwned(root.Path);
            File.WriteAllText(Path.Combine(abandoned, "staged.bin"), "left by a killed responder");
            PrivateScriptFolder.Release(abandoned);
            string unmarked = PrivateScriptFolder.Create(root.Path);        // no owner file: not known to be ours
            Directory.CreateDirectory(root.Combine("outpost-notours"));
            Assert.Equal(1, PrivateScriptFolder.RemoveAbandoned(root.Path));
            Assert.False(Directory.Exists(abandoned));
            Assert.True(Directory.Exists(held) && Directory.Exists(unmarked) && Directory.Exists(root.Combine("outpost-notours")));
            PrivateScriptFolder.Release(held);
        }

        [Fact]
        public void The_private_folder_of_a_responder_killed_with_SIGKILL_is_removed_by_the_next_one()
        {
            HostRequirements.RequireUnix("kill -9 of a responder process");
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            string root = PrivateScriptFolder.DefaultRoot;
            var before = Directory.GetDirectories(root, "outpost-*").ToHashSet();
            string[] mine;
            using (var responder = ResponderProcess.Start(share))
            {
                RunningResponder.WaitUntil(() => File.Exists(Path.Combine(share, "inbox", "dispatch.txt")), TimeSpan.FromSeconds(30));
                mine = Directory.GetDirectories(root, "outpost-*").Where(d => !before.Contains(d) && File.Exists(Path.Combine(d, ".owner"))).ToArray();
                Assert.NotEmpty(mine);
                PrivateScriptFolder.RemoveAbandoned(root);
                Assert.All(mine, d => Assert.True(Directory.Exists(d))); // its owner lives: kept
                responder.Kill();
                responder.WaitForExit();
            }
            Assert.All(mine, d => Assert.True(Directory.Exists(d))); // kill -9 left it behind
            PrivateScriptFolder.RemoveAbandoned(root);
            Assert.All(mine, d => Assert.False(Directory.Exists(d)));
        }
    }
}
