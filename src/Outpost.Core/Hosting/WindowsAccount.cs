using System;
using System.Runtime.InteropServices;

namespace Outpost.Core.Hosting
{
    /// <summary>
    /// The account a CurrentUser task names. On Windows its SID: Task Scheduler resolves a SID for every
    /// kind of account, where DOMAIN\user fails for Entra ID (AzureAD\...) accounts. Read from this
    /// process's token, called directly so Core needs no extra package.
    /// </summary>
    // A principal's UserId may be a SID: https://learn.microsoft.com/windows/win32/taskschd/taskschedulerschema-userid-principaltype-element
    public static class WindowsAccount
    {
        public static string CurrentUserId()
        {
            string name = Environment.UserDomainName + "\\" + Environment.UserName;
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return name;
            try { return CurrentUserSid() ?? name; }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return name; }
        }

        private static string? CurrentUserSid()
        {
            if (!OpenProcessToken(GetCurrentProcess(), TokenQuery, out IntPtr token)) return null;
            IntPtr buffer = IntPtr.Zero;
            try
            {
                GetTokenInformation(token, TokenUser, IntPtr.Zero, 0, out int length);
                if (length <= 0) return null;
                buffer = Marshal.AllocHGlobal(length);
                if (!GetTokenInformation(token, TokenUser, buffer, length, out _)) return null;
                // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first field is the PSID.
                IntPtr sid = Marshal.ReadIntPtr(buffer);
                if (!ConvertSidToStringSid(sid, out IntPtr text)) return null;
                try { return Marshal.PtrToStringUni(text); }
                finally { LocalFree(text); }
            }
            finally
            {
                if (buffer != IntPtr.Zero) Marshal.FreeHGlobal(buffer);
                CloseHandle(token);
            }
        }

        private const uint TokenQuery = 0x0008;
        private const int TokenUser = 1;

        [DllImport("kernel32.dll")]
        private static extern IntPtr GetCurrentProcess();

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

        [DllImport("advapi32.dll", SetLastError = true)]
        private static extern bool GetTokenInformation(IntPtr token, int infoClass, IntPtr info, int length, out int returnLength);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSidToStringSid(IntPtr sid, out IntPtr text);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);
    }
}
