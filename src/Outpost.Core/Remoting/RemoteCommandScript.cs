using System;
using System.Text;

namespace Outpost.Core.Remoting
{
    /// <summary>
    /// The .ps1 job that Invoke-OutpostCommand sends: it runs a script block with all streams merged and
    /// writes every output object and stream record to stdout as a frame,
    /// <c>&lt;token&gt; &lt;kind&gt; &lt;base64 of PowerShell's own CliXml&gt;</c>, one per line. The token is random
    /// per call, so nothing else the job prints (a native command, [Console]::WriteLine) can pass for a
    /// frame; such lines come back as text. Only Windows PowerShell 5.1 syntax is used, and it is an
    /// ordinary .ps1 job, so a plain v1 responder runs it too.
    /// </summary>
    public static class RemoteCommandScript
    {
        public static string NewToken() => "OUTPOST-" + Guid.NewGuid().ToString("N");

        /// <param name="scriptText">The script block's text, with $using: references already rewritten.</param>
        /// <param name="argumentsCliXml">CliXml of the argument array, or null.</param>
        /// <param name="usingCliXml">CliXml of a hashtable of $using: values, or null.</param>
        public static string Build(string scriptText, string? argumentsCliXml, string? usingCliXml, int depth, string token)
        {
            if (depth < 1 || depth > 100) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be 1..100");
            return Template
                .Replace("@TOKEN@", token)
                .Replace("@DEPTH@", depth.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Replace("@ARGS@", Base64(argumentsCliXml))
                .Replace("@USING@", Base64(usingCliXml))
                .Replace("@SCRIPT@", Base64(scriptText));
        }

        private static string Base64(string? text) => text == null ? "" : Convert.ToBase64String(new UTF8Encoding(false).GetBytes(text));

        private const string Template = @"# Outpost Invoke-OutpostCommand wrapper: frames on stdout are '<token> <kind> <base64 CliXml>'.
$ErrorActionPreference = 'Continue'
$WarningPreference = 'Continue'
$VerbosePreference = 'Continue'
$DebugPreference = 'Continue'
$InformationPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
$__outpostToken = '@TOKEN@'
$__outpostDepth = @DEPTH@
function __OutpostFrame([string] $Kind, $Value) {
    $xml = [System.Management.Automation.PSSerializer]::Serialize($Value, $__outpostDepth)
    [Console]::Out.WriteLine($__outpostToken + ' ' + $Kind + ' ' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($xml)))
    [Console]::Out.Flush()
}
function __OutpostDecode([string] $Base64) {
    if (-not $Base64) { return $null }
    [System.Management.Automation.PSSerializer]::Deserialize([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Base64)))
}
$__outpostArgs = @(__OutpostDecode '@ARGS@')
$__outpostUsing = __OutpostDecode '@USING@'
$__outpostBlock = [ScriptBlock]::Create([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('@SCRIPT@')))
__OutpostFrame 'begin' $PSVersionTable.PSVersion.ToString()
try {
    & $__outpostBlock @__outpostArgs *>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { __OutpostFrame 'error' $_ }
        elseif ($_ -is [System.Management.Automation.WarningRecord]) { __OutpostFrame 'warning' $_ }
        elseif ($_ -is [System.Management.Automation.VerboseRecord]) { __OutpostFrame 'verbose' $_ }
        elseif ($_ -is [System.Management.Automation.DebugRecord]) { __OutpostFrame 'debug' $_ }
        elseif ($_.GetType().FullName -eq 'System.Management.Automation.InformationRecord') { __OutpostFrame 'information' $_ }
        else { __OutpostFrame 'output' $_ }
    }
}
catch {
    __OutpostFrame 'terminating' $_
    exit 1
}
__OutpostFrame 'end' ''
exit 0
";
    }
}
