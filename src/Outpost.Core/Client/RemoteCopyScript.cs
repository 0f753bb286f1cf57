using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Outpost.Core.Client
{
    /// <summary>
    /// The scripts a copy runs on the target, in PowerShell (ps1) or POSIX sh: one places the staged
    /// attachments at the destination, one checks that what is to be fetched exists before the responder
    /// collects it. Every value the user gave enters the script as a quoted literal, never as code; each
    /// failure a user can act on exits with its own code and a one-line reason on stderr, which
    /// <see cref="RemoteCopy"/> turns into an error with a stable id.
    /// </summary>
    public static class RemoteCopyScript
    {
        public const int ExitNotFound = 81;
        public const int ExitNeedsRecurse = 82;
        public const int ExitParentNotFound = 83;
        public const int ExitExists = 84;
        public const int ExitNotAFolder = 85;
        public const int ExitCopyFailed = 86;
        public const int ExitIsLink = 87;

        private static readonly Regex Token = new Regex(@"@@([A-Z]+)@@", RegexOptions.CultureInvariant);

        /// <summary>Copies the staged items (top-level names) to <paramref name="destination"/>; prints each path it wrote.</summary>
        public static string ToTarget(string language, RemotePath destination, IReadOnlyList<string> names, bool recurse, bool force)
        {
            bool ps = IsPowerShell(language);
            return Fill(ps ? PowerShellToTarget : ShToTarget, new Dictionary<string, string>
            {
                ["DEST"] = Quote(ps, destination.Full),
                ["NAMES"] = ps ? "@(" + string.Join(", ", names.Select(JobScriptComposer.PowerShellQuote)) + ")" : string.Join(" ", names.Select(JobScriptComposer.PosixQuote)),
                ["RECURSE"] = Flag(ps, recurse),
                ["FORCE"] = Flag(ps, force),
            });
        }

        /// <summary>Checks that <paramref name="source"/> exists (or, with wildcards, that something matches); prints file, folder or matched, then "empty &lt;path&gt;" for each empty folder of what matched (relative to its parent).</summary>
        public static string CheckSource(string language, RemotePath source, bool recurse)
        {
            bool ps = IsPowerShell(language);
            return Fill(ps ? PowerShellCheck : ShCheck, new Dictionary<string, string>
            {
                ["PARENT"] = Quote(ps, source.Parent),
                ["PATH"] = Quote(ps, source.Full),
                ["PATTERN"] = ps ? JobScriptComposer.PowerShellQuote(LikePattern(source.Leaf)) : ShPattern(source.Leaf),
                ["WILD"] = Flag(ps, source.HasWildcards),
                ["RECURSE"] = Flag(ps, recurse),
            });
        }

        private static bool IsPowerShell(string language) => language switch
        {
            "ps1" => true,
            "sh" => false,
            _ => throw new ArgumentException($"no copy script in .{language}", nameof(language)),
        };

        private static string Quote(bool ps, string value) => ps ? JobScriptComposer.PowerShellQuote(value) : JobScriptComposer.PosixQuote(value);

        private static string Flag(bool ps, bool value) => ps ? (value ? "$true" : "$false") : (value ? "1" : "0");

        /// <summary>One pass over the template, so a value that happens to look like a token is never filled again.</summary>
        private static string Fill(string template, IDictionary<string, string> values) =>
            Token.Replace(template, m => values[m.Groups[1].Value]).Replace("\r\n", "\n");

        /// <summary>A -like pattern in which only * and ? are wildcards ([, ] and ` are escaped, as Glob takes them literally).</summary>
        internal static string LikePattern(string leaf)
        {
            var text = new StringBuilder();
            foreach (char c in leaf)
            {
                if (c == '[' || c == ']' || c == '`') text.Append('`');
                text.Append(c);
            }
            return text.ToString();
        }

        /// <summary>An sh pattern in which only * and ? are wildcards: every other run of characters is single-quoted.</summary>
        internal static string ShPattern(string leaf)
        {
            var text = new StringBuilder();
            var literal = new StringBuilder();
            foreach (char c in leaf)
            {
                if (c != '*' && c != '?') { literal.Append(c); continue; }
                if (literal.Length > 0) text.Append(JobScriptComposer.PosixQuote(literal.ToString()));
                literal.Clear();
                text.Append(c);
            }
            if (literal.Length > 0) text.Append(JobScriptComposer.PosixQuote(literal.ToString()));
            return text.ToString();
        }

        // The staged items are checked as a whole before anything is written, so a clash leaves the destination untouched.
        private const string PowerShellToTarget = @"$ErrorActionPreference = 'Stop'
$dest = @@DEST@@
$names = @@NAMES@@
$recurse = @@RECURSE@@
$force = @@FORCE@@
function Fail([int] $code, [string] $message) { [Console]::Error.WriteLine($message); exit $code }
# The staged files are the job's own and go when it ends: off Windows they are moved, not copied (a rename on
# one volume). On Windows they are copied: a moved file keeps the ACL of the private folder it was staged in,
# where a copy takes the destination's, as Copy-Item's would. Either way through a temporary name beside the
# destination, so a file being replaced is never half-written.
$onWindows = [IO.Path]::DirectorySeparatorChar -eq '\'
function Move-File([string] $from, [string] $to) {
    $partial = $to + '.outpost-partial-' + [Guid]::NewGuid().ToString('N').Substring(0, 8)
    try {
        if ($onWindows) { [IO.File]::Copy($from, $partial) } else { [IO.File]::Move($from, $partial) }
        if ([IO.File]::Exists($to)) { [IO.File]::Delete($to) }
        [IO.File]::Move($partial, $to)
    } catch {
        if ([IO.File]::Exists($partial)) { [IO.File]::Delete($partial) }
        throw
    }
}
function Move-Tree([string] $from, [string] $to) {
    if (-not $onWindows -and -not [IO.Directory]::Exists($to)) {
        try { [IO.Directory]::Move($from, $to); return } catch { } # another volume: file by file
    }
    [void][IO.Directory]::CreateDirectory($to)
    foreach ($d in [IO.Directory]::GetDirectories($from)) { Move-Tree $d ([IO.Path]::Combine($to, [IO.Path]::GetFileName($d))) }
    foreach ($f in [IO.Directory]::GetFiles($from)) { Move-File $f ([IO.Path]::Combine($to, [IO.Path]::GetFileName($f))) }
}
$src = $env:OUTPOST_ATTACHMENTS
$into = [IO.Directory]::Exists($dest)
if (-not $into) {
    if ($names.Count -gt 1) { Fail 85 ""Cannot copy $($names.Count) items to '$dest': it is not an existing folder."" }
    $parent = [IO.Path]::GetDirectoryName($dest)
    if ($parent -and -not [IO.Directory]::Exists($parent)) { Fail 83 ""Could not find a part of the path '$dest': the folder '$parent' does not exist."" }
}
$plan = @(foreach ($n in $names) {
    $from = [IO.Path]::Combine($src, $n)
    $to = if ($into) { [IO.Path]::Combine($dest, $n) } else { $dest }
    $isDir = [IO.Directory]::Exists($from)
    if ($isDir) {
        if (-not $recurse) { Fail 82 ""'$n' is a folder: use -Recurse to copy it with its contents."" }
        if ([IO.File]::Exists($to)) { Fail 85 ""Cannot overwrite the file '$to' with a folder."" }
        if (-not $force -and [IO.Directory]::Exists($to)) {
            foreach ($f in [IO.Directory]::GetFiles($from, '*', [IO.SearchOption]::AllDirectories)) {
                $t = $to + $f.Substring($from.Length)
                if ([IO.File]::Exists($t) -or [IO.Directory]::Exists($t)) { Fail 84 ""'$t' already exists; use -Force to replace it."" }
            }
        }
    } else {
        if ([IO.Directory]::Exists($to)) { Fail 85 ""Cannot overwrite the folder '$to' with a file."" }
        if (-not $force -and [IO.File]::Exists($to)) { Fail 84 ""'$to' already exists; use -Force to replace it."" }
    }
    ,@($from, $to, $isDir)
})
foreach ($p in $plan) {
    try {
        if ($p[2]) { Move-Tree $p[0] $p[1] } else { Move-File $p[0] $p[1] }
    } catch { Fail 86 ""Cannot copy to '$($p[1])': $($_.Exception.GetBaseException().Message)"" }
    [Console]::Out.WriteLine($(if ($p[2]) { 'folder ' } else { 'file ' }) + $p[1])
}
";

        private const string ShToTarget = @"dest=@@DEST@@
recurse=@@RECURSE@@
force=@@FORCE@@
set -- @@NAMES@@
fail() { printf '%s\n' ""$2"" >&2; exit ""$1""; }
src=$OUTPOST_ATTACHMENTS
if [ -d ""$dest"" ]; then into=1; else into=0; fi
if [ $into = 0 ]; then
    [ $# -gt 1 ] && fail 85 ""Cannot copy $# items to '$dest': it is not an existing folder.""
    parent=$(dirname -- ""$dest"")
    [ -d ""$parent"" ] || fail 83 ""Could not find a part of the path '$dest': the folder '$parent' does not exist.""
fi
for n do
    if [ $into = 1 ]; then to=""${dest%/}/$n""; else to=$dest; fi
    if [ -d ""$src/$n"" ]; then
        [ $recurse = 1 ] || fail 82 ""'$n' is a folder: use -Recurse to copy it with its contents.""
        if [ -e ""$to"" ] && [ ! -d ""$to"" ]; then fail 85 ""Cannot overwrite the file '$to' with a folder.""; fi
        if [ $force = 0 ] && [ -d ""$to"" ]; then
            clash=$(cd ""$src/$n"" && find . ! -type d -print | while IFS= read -r f; do
                if [ -e ""$to/${f#./}"" ] || [ -L ""$to/${f#./}"" ]; then printf '%s' ""$to/${f#./}""; break; fi
            done)
            [ -n ""$clash"" ] && fail 84 ""'$clash' already exists; use -Force to replace it.""
        fi
    else
        [ -d ""$to"" ] && fail 85 ""Cannot overwrite the folder '$to' with a file.""
        if [ $force = 0 ] && { [ -e ""$to"" ] || [ -L ""$to"" ]; }; then fail 84 ""'$to' already exists; use -Force to replace it.""; fi
    fi
done
for n do
    if [ $into = 1 ]; then to=""${dest%/}/$n""; else to=$dest; fi
    if [ -d ""$src/$n"" ]; then
        # The staged files are the job's own: a folder not there yet is moved whole (a rename on one file system).
        if [ -e ""$to"" ]; then
            cp -R -- ""$src/$n/."" ""$to/"" || fail 86 ""Cannot copy '$n' to '$to'.""
        else
            mv -- ""$src/$n"" ""$to"" || fail 86 ""Cannot copy '$n' to '$to'.""
        fi
        printf 'folder %s\n' ""$to""
    else
        mv -f -- ""$src/$n"" ""$to"" || fail 86 ""Cannot copy '$n' to '$to'.""
        printf 'file %s\n' ""$to""
    fi
done
";

        // Only files travel as artifacts, so the empty folders of what is fetched are listed ("empty <path>"), to be made here.
        private const string PowerShellCheck = @"$ErrorActionPreference = 'Stop'
$parent = @@PARENT@@
$path = @@PATH@@
$pattern = @@PATTERN@@
$wild = @@WILD@@
$recurse = @@RECURSE@@
function Fail([int] $code, [string] $message) { [Console]::Error.WriteLine($message); exit $code }
function Write-Empty([string] $dir, [string] $relative) {
    $folders = @([IO.Directory]::GetDirectories($dir) | Where-Object { -not ([IO.File]::GetAttributes($_) -band [IO.FileAttributes]::ReparsePoint) })
    if ($folders.Count -eq 0 -and [IO.Directory]::GetFileSystemEntries($dir).Count -eq 0) { 'empty ' + $relative; return }
    foreach ($d in $folders) { Write-Empty $d ($relative + '/' + [IO.Path]::GetFileName($d)) }
}
if (-not $wild) {
    if (([IO.File]::Exists($path) -or [IO.Directory]::Exists($path)) -and ([IO.File]::GetAttributes($path) -band [IO.FileAttributes]::ReparsePoint)) {
        Fail 87 ""'$path' is a link, and links on the target are not followed: copy the item it points to.""
    }
    if ([IO.Directory]::Exists($path)) {
        if (-not $recurse) { Fail 82 ""'$path' is a folder: use -Recurse to copy it with its contents."" }
        'folder'
        Write-Empty $path ([IO.Path]::GetFileName($path))
    } elseif ([IO.File]::Exists($path)) { 'file' }
    else { Fail 81 ""Cannot find path '$path' because it does not exist."" }
    exit 0
}
if (-not [IO.Directory]::Exists($parent)) { Fail 81 ""Cannot find path '$path' because it does not exist."" }
$found = @(foreach ($e in [IO.Directory]::GetFileSystemEntries($parent)) {
    $name = [IO.Path]::GetFileName($e)
    $match = if ($IsLinux) { $name -clike $pattern } else { $name -like $pattern }
    $link = [IO.File]::GetAttributes($e) -band [IO.FileAttributes]::ReparsePoint
    if ($match -and -not $link -and ($recurse -or [IO.File]::Exists($e))) { $e }
})
if ($found.Count -eq 0) { Fail 81 ""Cannot find path '$path' because it does not exist."" }
'matched'
foreach ($e in $found) { if ([IO.Directory]::Exists($e)) { Write-Empty $e ([IO.Path]::GetFileName($e)) } }
";

        private const string ShCheck = @"parent=@@PARENT@@
path=@@PATH@@
wild=@@WILD@@
recurse=@@RECURSE@@
fail() { printf '%s\n' ""$2"" >&2; exit ""$1""; }
# find does not follow links; ""./"" keeps a name starting with - from reading as an option.
empty() { find ""./$1"" -type d | while IFS= read -r d; do [ -z ""$(ls -A -- ""$d"")"" ] && printf 'empty %s\n' ""${d#./}""; done; }
if [ $wild = 0 ]; then
    [ -L ""$path"" ] && fail 87 ""'$path' is a link, and links on the target are not followed: copy the item it points to.""
    if [ -d ""$path"" ]; then
        [ $recurse = 1 ] || fail 82 ""'$path' is a folder: use -Recurse to copy it with its contents.""
        echo folder
        cd -- ""$parent"" && empty ""$(basename -- ""$path"")""
    elif [ -e ""$path"" ]; then echo file
    else fail 81 ""Cannot find path '$path' because it does not exist.""
    fi
    exit 0
fi
[ -d ""$parent"" ] || fail 81 ""Cannot find path '$path' because it does not exist.""
cd -- ""$parent"" || exit 86
found=0
for e in @@PATTERN@@; do
    if [ -L ""$e"" ]; then continue
    elif [ -f ""$e"" ]; then found=1
    elif [ $recurse = 1 ] && [ -d ""$e"" ] && [ ! -L ""$e"" ]; then found=1; empty ""$e""
    fi
done
[ $found = 1 ] || fail 81 ""Cannot find path '$path' because it does not exist.""
echo matched
";
    }
}
