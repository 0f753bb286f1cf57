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

        private const string LocalScopeLine = "$__outpostLocalScope = $true\n";

        /// <summary>
        /// The wrapper with its block run in the caller's scope instead of a scope of its own, so what the
        /// block defines (variables, functions) stays for the next command: how a session worker runs it.
        /// </summary>
        public static string DotSourced(string wrapper)
        {
            int at = wrapper.IndexOf(LocalScopeLine, StringComparison.Ordinal);
            if (at < 0) throw new ArgumentException("not an Invoke-OutpostCommand wrapper", nameof(wrapper));
            return wrapper.Substring(0, at) + "$__outpostLocalScope = $false\n" + wrapper.Substring(at + LocalScopeLine.Length);
        }

        /// <summary>
        /// The key PowerShell remoting gives a $using: expression in the values it sends (base64 of its
        /// UTF-16 text; lower-cased for a plain variable, whose name is case-insensitive, but not for an
        /// index or member access, where case can matter). The remote PowerShell looks values up by it.
        /// </summary>
        public static string UsingKey(string usingExpressionText, bool isPlainVariable)
        {
            string text = isPlainVariable ? usingExpressionText.ToLowerInvariant() : usingExpressionText;
            return Convert.ToBase64String(Encoding.Unicode.GetBytes(text));
        }

        private static string Base64(string? text) => text == null ? "" : Convert.ToBase64String(new UTF8Encoding(false).GetBytes(text));

        // The script block runs the way a remote PowerShell server runs it: as its own (nested) pipeline of
        // the script's text, so error positions are lines and columns inside the block as the user wrote it
        // and a statement-terminating error (1/0, a bad parameter) ends that statement only: no try/catch of
        // the wrapper encloses it (PowerShell clears the "enclosing try" state for every pipeline it starts).
        // -ArgumentList values are added one by one (none at all when there are none, so $args is empty and
        // parameter defaults apply). $using: values go in as remoting sends them: a dictionary keyed by each
        // UsingExpressionAst's key, bound through the '--%' parameter, from which PowerShell 3 and later
        // resolve every $using: form itself (bare, in strings, member access, index). The framing step's End
        // block runs only when the block was not left with 'exit', which is how an 'exit N' is told from a
        // native command's exit code; the wrapper then ends with N. A job with files finds them in
        // $OutpostAttachments (set only then, so a session's own variable of that name is never replaced).
        private const string Template = @"# Outpost Invoke-OutpostCommand wrapper: frames on stdout are '<token> <kind> <base64 CliXml>'.
$ErrorActionPreference = 'Continue'
$WarningPreference = 'Continue'
$VerbosePreference = 'Continue'
$DebugPreference = 'Continue'
$InformationPreference = 'Continue'
$ProgressPreference = 'SilentlyContinue'
$__outpostLocalScope = $true
$__outpostToken = '@TOKEN@'
$__outpostDepth = @DEPTH@
function __OutpostFrame([string] $Kind, $Value) {
    $xml = [System.Management.Automation.PSSerializer]::Serialize($Value, $__outpostDepth)
    [Console]::Out.WriteLine($__outpostToken + ' ' + $Kind + ' ' + [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($xml)))
    [Console]::Out.Flush()
}
function __OutpostEmit($Value) {
    if ($null -eq $Value) { __OutpostFrame 'output' $null }
    elseif ($Value -is [System.Management.Automation.ErrorRecord]) { __OutpostFrame 'error' $Value }
    elseif ($Value -is [System.Management.Automation.WarningRecord]) { __OutpostFrame 'warning' $Value }
    elseif ($Value -is [System.Management.Automation.VerboseRecord]) { __OutpostFrame 'verbose' $Value }
    elseif ($Value -is [System.Management.Automation.DebugRecord]) { __OutpostFrame 'debug' $Value }
    elseif ($Value -is [System.Management.Automation.InformationRecord]) { __OutpostFrame 'information' $Value }
    else { __OutpostFrame 'output' $Value }
}
function __OutpostXml([string] $Base64) {
    [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($Base64))
}
if ($env:OUTPOST_ATTACHMENTS) { $OutpostAttachments = $env:OUTPOST_ATTACHMENTS }
$__outpostPs = [PowerShell]::Create([System.Management.Automation.RunspaceMode]::CurrentRunspace)
[void] $__outpostPs.AddScript((__OutpostXml '@SCRIPT@'), $__outpostLocalScope)
if ('@ARGS@') {
    foreach ($__outpostArg in @([System.Management.Automation.PSSerializer]::Deserialize((__OutpostXml '@ARGS@')))) { [void] $__outpostPs.AddArgument($__outpostArg) }
}
if ('@USING@') { [void] $__outpostPs.AddParameter('--%', [System.Management.Automation.PSSerializer]::Deserialize((__OutpostXml '@USING@'))) }
$__outpostPs.Commands.Commands[0].MergeMyResults([System.Management.Automation.Runspaces.PipelineResultTypes]::All, [System.Management.Automation.Runspaces.PipelineResultTypes]::Output)
[void] $__outpostPs.AddCommand('ForEach-Object').AddParameter('Process', { __OutpostEmit $_ }).AddParameter('End', { $script:__outpostCompleted = $true })
$__outpostCompleted = $false
$global:LASTEXITCODE = 0
__OutpostFrame 'begin' $PSVersionTable.PSVersion.ToString()
try { [void] $__outpostPs.Invoke() }
catch {
    $__outpostReason = $__outpostPs.InvocationStateInfo.Reason
    if ($__outpostReason -is [System.Management.Automation.IContainsErrorRecord]) { __OutpostFrame 'terminating' $__outpostReason.ErrorRecord }
    else { __OutpostFrame 'terminating' $_ }
    exit 1
}
if (-not $__outpostCompleted) { exit $global:LASTEXITCODE }
__OutpostFrame 'end' ''
exit 0
";
    }
}
