using System.IO;
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
    }
}
