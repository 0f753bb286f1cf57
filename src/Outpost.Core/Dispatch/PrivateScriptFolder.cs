using System;
using System.IO;
using System.Runtime.InteropServices;
using Outpost.Core.Transport;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Where a responder materialises job scripts while they run: a folder only its own account can read.
    /// On Unix a temp folder set to 0700. On Windows the mode is a no-op and the temp folder may be shared:
    /// under SYSTEM, .NET Framework's temp path is C:\Windows\Temp, where users can create files. So on
    /// Windows it is the account's own local application data folder, private by its inherited ACL
    /// (for SYSTEM, inside the system profile).
    /// </summary>
    // FOLDERID_LocalAppData is per user (%LOCALAPPDATA%): https://learn.microsoft.com/windows/win32/shell/knownfolderid
    public static class PrivateScriptFolder
    {
        public static string Create() =>
            Create(RootFor(RuntimeInformation.IsOSPlatform(OSPlatform.Windows),
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), Path.GetTempPath()));

        /// <summary>The folder the private folders go under: per-user application data on Windows, else temp.</summary>
        public static string RootFor(bool windows, string localAppData, string tempPath) =>
            windows && !string.IsNullOrEmpty(localAppData) ? Path.Combine(localAppData, "Outpost", "scripts") : tempPath;

        public static string Create(string root)
        {
            string folder = Path.Combine(root, "outpost-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(folder);
            UnixFile.TrySetMode(folder, Convert.ToInt32("700", 8));
            return folder;
        }
    }
}
