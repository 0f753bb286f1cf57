using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// How a spare for one interpreter is started, and the order that turns it into a job. A spare
    /// reads its order (working folder and script path) from stdin, and stdin is closed right after, so
    /// the job reads end-of-file as a cold one does, and a spare whose responder died reads end-of-file
    /// and exits: no spare outlives its responder, even after kill -9.
    /// </summary>
    internal sealed class SpareRecipe
    {
        internal const string BootstrapFileName = "warm-spare.ps1";

        // sh: wait for the order, apply it, then exec the interpreter in place (same pid, same process
        // group, so the job's exit status and a group kill behave exactly as on the cold path).
        private const string ShellLauncher =
            "IFS= read -r d || exit 0; IFS= read -r s || exit 0; cd -- \"$d\" || exit 125; exec \"$0\" \"$@\" \"$s\"";

        private readonly bool _base64;

        private SpareRecipe(string program, IReadOnlyList<string> arguments, bool base64)
        {
            Program = program;
            Arguments = arguments;
            _base64 = base64;
        }

        public string Program { get; }
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>The recipe for an interpreter, or null where it cannot be run from a spare (then jobs start cold).</summary>
        public static SpareRecipe? For(Interpreter interpreter, string folder)
        {
            if (interpreter.Extension.Equals("ps1", StringComparison.OrdinalIgnoreCase))
            {
                // The bootstrap stands in for the script after -File; other argument shapes start cold.
                if (interpreter.Arguments.Count == 0 || !interpreter.Arguments.Last().Equals("-File", StringComparison.OrdinalIgnoreCase))
                    return null;
                string bootstrap = Path.Combine(folder, BootstrapFileName);
                if (!File.Exists(bootstrap)) WarmBootstrap.Write(bootstrap);
                return new SpareRecipe(interpreter.Path, interpreter.Arguments.Concat(new[] { bootstrap }).ToList(), base64: true);
            }
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || !File.Exists("/bin/sh")) return null;
            var arguments = new List<string> { "-c", ShellLauncher, interpreter.Path };
            arguments.AddRange(interpreter.Arguments);
            return new SpareRecipe("/bin/sh", arguments, base64: false);
        }

        /// <summary>The order for one job, or null when the paths cannot travel as lines (then the job starts cold).</summary>
        public byte[]? Order(string workingDirectory, string scriptPath)
        {
            if (_base64)
                return Encoding.ASCII.GetBytes(Base64(workingDirectory) + "\n" + Base64(scriptPath) + "\n");
            if (workingDirectory.IndexOf('\n') >= 0 || scriptPath.IndexOf('\n') >= 0) return null;
            return new UTF8Encoding(false).GetBytes(workingDirectory + "\n" + scriptPath + "\n");
        }

        private static string Base64(string text) => Convert.ToBase64String(new UTF8Encoding(false).GetBytes(text));
    }

    /// <summary>The PowerShell side of a warm spare.</summary>
    internal static class WarmBootstrap
    {
        public static void Write(string path)
        {
            File.WriteAllText(path, Text, new UTF8Encoding(false));
            Transport.UnixFile.TrySetMode(path, Convert.ToInt32("600", 8));
        }

        // Runs the job as `pwsh -File job.ps1` would: the script block comes from ParseFile, so it is
        // tied to the file ($PSScriptRoot, $PSCommandPath) and `exit N` in it exits this process with N,
        // an uncaught throw ends it with 1 and a normal end with 0. The warm-up leaves no variables,
        // errors or output behind; the taker function removes itself before the job runs.
        internal const string Text = @"# Outpost warm spare: waits on stdin for one job, then runs it as -File would.
& {
    try {
        $null = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize([pscustomobject]@{ Id = $PID; Name = 'warm' }, 2))
        $null = Get-Process -Id $PID | Select-Object Id, ProcessName | Format-Table | Out-String
        $null = Get-Item -LiteralPath $PSHOME | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue
    } catch { }
} 2>$null 3>$null 4>$null 5>$null 6>$null
$Error.Clear()
function __OutpostTakeJob {
    $order = [Console]::In.ReadLine()
    $script = [Console]::In.ReadLine()
    if ($null -eq $script) { exit 0 }
    $utf8 = [System.Text.Encoding]::UTF8
    $folder = $utf8.GetString([Convert]::FromBase64String($order))
    $script = $utf8.GetString([Convert]::FromBase64String($script))
    [Environment]::CurrentDirectory = $folder
    Set-Location -LiteralPath $folder
    Remove-Item -LiteralPath function:__OutpostTakeJob
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($script, [ref]$null, [ref]$errors)
    # A script that does not parse: let PowerShell report it as -File does, then end with 1 as -File does.
    if ($errors) { return [scriptblock]::Create(""& '"" + $script.Replace(""'"", ""''"") + ""'; exit 1"") }
    $ast.GetScriptBlock()
}
# Dot-sourced, so the job's top level is this file's script scope, as it is under -File: $script:x and
# a top-level $x are one variable ('&' would give the job a child scope of its own).
. (__OutpostTakeJob)
exit 0
";
    }
}
