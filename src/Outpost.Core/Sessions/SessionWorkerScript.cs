using System;
using System.IO;
using System.Text;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// The loop a session worker (a long-lived pwsh) runs: read one order line from stdin
    /// (<c>&lt;marker&gt; &lt;base64 script path&gt;</c>), dot-source that script so what it defines stays in this
    /// runspace, then end its stdout and stderr with the marker line. End-of-file on stdin (the
    /// responder stopped or died) ends the worker.
    /// </summary>
    internal static class SessionWorkerScript
    {
        internal const string FileName = "session-worker.ps1";

        public static string EnsureWritten(string folder)
        {
            string path = Path.Combine(folder, FileName);
            if (!File.Exists(path))
            {
                File.WriteAllText(path, Text, new UTF8Encoding(false));
                Transport.UnixFile.TrySetMode(path, Convert.ToInt32("600", 8));
            }
            return path;
        }

        // `exit N` in a dot-sourced script ends that script only and sets $LASTEXITCODE, so a command
        // that exits ends itself, not the session. A terminating error is caught and reported on stderr.
        internal const string Text = @"# Outpost session worker: every command of one session runs here, one at a time, in order.
& {
    try {
        $null = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize([pscustomobject]@{ Id = $PID }, 2))
        $null = Get-Process -Id $PID | Select-Object Id, ProcessName | Format-Table | Out-String
    } catch { }
} 2>$null 3>$null 4>$null 5>$null 6>$null
$Error.Clear()
while ($true) {
    $__outpostSessionOrder = [Console]::In.ReadLine()
    if ($null -eq $__outpostSessionOrder) { exit 0 }
    $__outpostSessionOrder = $__outpostSessionOrder.Split(' ')
    $global:LASTEXITCODE = 0
    $__outpostSessionCode = 1
    try {
        . ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($__outpostSessionOrder[1])))
        $__outpostSessionCode = $global:LASTEXITCODE
    }
    catch {
        [Console]::Error.WriteLine(($_ | Out-String).TrimEnd())
        $__outpostSessionCode = 1
    }
    if ($null -eq $__outpostSessionCode) { $__outpostSessionCode = 0 }
    [Console]::Out.Flush()
    [Console]::Out.Write(""`n"" + $__outpostSessionOrder[0] + ' ' + $__outpostSessionCode + ""`n"")
    [Console]::Out.Flush()
    [Console]::Error.Flush()
    [Console]::Error.Write(""`n"" + $__outpostSessionOrder[0] + ""`n"")
    [Console]::Error.Flush()
}
";
    }
}
