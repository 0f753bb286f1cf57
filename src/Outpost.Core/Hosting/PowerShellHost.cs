using System.IO;
using System.Linq;

namespace Outpost.Core.Hosting
{
    /// <summary>
    /// The PowerShell executable a service should run, found in $PSHOME. The current process is not it in
    /// every host: the ISE is powershell_ise.exe, and under the PowerShell .NET tool the process is dotnet.
    /// $PSHOME holds pwsh.exe (PowerShell 7 on Windows), pwsh (Linux, macOS, the .NET tool) or
    /// powershell.exe (Windows PowerShell 5.1) in each of these layouts.
    /// </summary>
    public static class PowerShellHost
    {
        private static readonly string[] Names = { "pwsh.exe", "pwsh", "powershell.exe" };

        public static string FromPSHome(string? psHome)
        {
            if (string.IsNullOrEmpty(psHome))
                throw new OutpostException("PowerShellNotFound", OutpostErrorKind.InvalidOperation,
                    "cannot tell which PowerShell to register: $PSHOME is empty in this session", psHome);
            string? found = Names.Select(n => Path.Combine(psHome!, n)).FirstOrDefault(File.Exists);
            return found ?? throw new OutpostException("PowerShellNotFound", OutpostErrorKind.InvalidOperation,
                $"no pwsh, pwsh.exe or powershell.exe in $PSHOME ({psHome}): run Register-OutpostResponder from the PowerShell the service should use",
                psHome);
        }
    }
}
