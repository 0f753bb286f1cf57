using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Files;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Copies files and folders to or from a target through its shared folder, as Copy-Item -ToSession and
    /// -FromSession do: the same destination rules, -Recurse for folders, errors with Copy-Item's ids where
    /// they apply. Items piped to -ToTarget travel together in one job.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "OutpostItem", DefaultParameterSetName = ToTargetPath, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RemoteItem), ParameterSetName = new[] { ToTargetPath, ToTargetLiteral })]
    [OutputType(typeof(FileInfo), typeof(DirectoryInfo), ParameterSetName = new[] { FromTargetPath, FromTargetLiteral })]
    public sealed class CopyOutpostItemCommand : OutpostCmdlet
    {
        private const string ToTargetPath = "ToTargetPath";
        private const string ToTargetLiteral = "ToTargetLiteralPath";
        private const string FromTargetPath = "FromTargetPath";
        private const string FromTargetLiteral = "FromTargetLiteralPath";

        private readonly List<string> _outgoing = new List<string>();
        // Set by the copy's own threads, read by the pipeline thread.
        private volatile TransferProgress? _transfer;
        private volatile WaitProgress? _waiting;

        /// <summary>What to copy: local paths (wildcards allowed) with -ToTarget; paths on the target (wildcards in the last name) with -FromTarget.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ToTargetPath, ValueFromPipeline = true)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = FromTargetPath, ValueFromPipeline = true)]
        [SupportsWildcards]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>As -Path, with no wildcards; what Get-ChildItem's objects bind to (FullName).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ToTargetLiteral, ValueFromPipelineByPropertyName = true)]
        [Parameter(Mandatory = true, ParameterSetName = FromTargetLiteral, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP", "FullName")]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 1)]
        public string Destination { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = ToTargetPath)]
        [Parameter(Mandatory = true, ParameterSetName = ToTargetLiteral)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string ToTarget { get; set; } = "";

        [Parameter(Mandatory = true, ParameterSetName = FromTargetPath)]
        [Parameter(Mandatory = true, ParameterSetName = FromTargetLiteral)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string FromTarget { get; set; } = "";

        [Parameter]
        public SwitchParameter Recurse { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        /// <summary>A private key file made by New-OutpostKey: the copy's jobs are signed, for a responder that requires signatures.</summary>
        [Parameter]
        public string? SigningKey { get; set; }

        private bool Outgoing => ParameterSetName == ToTargetPath || ParameterSetName == ToTargetLiteral;
        private bool Literal => ParameterSetName == ToTargetLiteral || ParameterSetName == FromTargetLiteral;

        protected override void ProcessRecord()
        {
            var given = Literal ? LiteralPath : Path;
            if (Outgoing)
            {
                foreach (string path in given) _outgoing.AddRange(ResolveLocal(path));
                return;
            }
            OutpostTarget target;
            try { target = TargetNames.Resolve(FromTarget); }
            catch (OutpostException e) { ThrowFailure(e); return; }
            foreach (string path in given) Fetch(target, path);
        }

        protected override void EndProcessing()
        {
            if (!Outgoing || _outgoing.Count == 0) return;
            OutpostTarget target;
            try { target = TargetNames.Resolve(ToTarget); }
            catch (OutpostException e) { ThrowFailure(e); return; }
            // A folder without -Recurse is refused on its own, as Copy-Item reports each item; the rest still go.
            foreach (string folder in _outgoing.Where(p => !Recurse && Directory.Exists(p)))
                WriteFailure(new OutpostException("FolderNeedsRecurse", OutpostErrorKind.InvalidArgument, $"'{folder}' is a folder: use -Recurse to copy it with its contents.", folder));
            var approved = _outgoing.Where(p => (Recurse || !Directory.Exists(p)) && ShouldProcess($"Item: {p} Destination: {target.Name}:{Destination}",
                Directory.Exists(p) ? "Copy Directory" : "Copy File")).ToList();
            if (approved.Count == 0) return;
            var placed = Run(() => RemoteCopy.ToTarget(target, approved, Destination, Options()));
            if (placed != null && PassThru) WriteObject(placed, enumerateCollection: true);
        }

        private void Fetch(OutpostTarget target, string path)
        {
            if (Literal && path.IndexOfAny(new[] { '*', '?' }) >= 0)
            {
                WriteFailure(new OutpostException("WildcardInLiteralPath", OutpostErrorKind.InvalidArgument,
                    $"'{path}' holds * or ?, which -LiteralPath cannot name on the target (they are matched as wildcards there); use -Path", path));
                return;
            }
            string destination = GetUnresolvedProviderPathFromPSPath(Destination);
            if (!ShouldProcess($"Item: {target.Name}:{path} Destination: {destination}", "Copy")) return;
            var placed = Run(() => RemoteCopy.FromTarget(target, path, destination, Options()));
            if (placed == null || !PassThru) return;
            foreach (string local in placed)
                WriteObject(Directory.Exists(local) ? new DirectoryInfo(local) : (object)new FileInfo(local));
        }

        /// <summary>Local paths, as Copy-Item resolves them: wildcards with -Path, literally with -LiteralPath; a missing one is an error.</summary>
        private IEnumerable<string> ResolveLocal(string path)
        {
            try
            {
                if (Literal)
                {
                    string full = GetUnresolvedProviderPathFromPSPath(path);
                    if (File.Exists(full) || Directory.Exists(full)) return new[] { full };
                    throw new ItemNotFoundException($"Cannot find path '{full}' because it does not exist.");
                }
                var resolved = GetResolvedProviderPathFromPSPath(path, out var provider).ToList();
                if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                {
                    WriteFailure(new OutpostException("NotAFileSystemPath", OutpostErrorKind.InvalidArgument, $"'{path}' is not a file-system path (it is in the {provider.Name} provider)", path));
                    return Array.Empty<string>();
                }
                return resolved;
            }
            catch (ItemNotFoundException e)
            {
                WriteFailure(new OutpostException("PathNotFound", OutpostErrorKind.NotFound, e.Message, path, e));
                return Array.Empty<string>();
            }
        }

        private RemoteCopyOptions Options() => new RemoteCopyOptions
        {
            Recurse = Recurse,
            Force = Force,
            Timeout = TimeoutSec > 0 ? TimeSpan.FromSeconds(TimeoutSec) : (TimeSpan?)null,
            Progress = p => _transfer = p,
            Waiting = p => _waiting = p,
            Cancel = CancelToken,
            SigningKey = SigningKey is null ? null : Core.Trust.OutpostKey.Load(GetUnresolvedProviderPathFromPSPath(SigningKey)),
        };

        /// <summary>
        /// Runs the copy off the pipeline thread and shows its progress from this one (PowerShell takes progress
        /// only from the pipeline thread); a copy that takes less than a second shows none.
        /// </summary>
        private T? Run<T>(Func<T> copy) where T : class
        {
            _transfer = null;
            _waiting = null;
            var task = Task.Run(copy);
            var started = DateTime.UtcNow;
            bool shown = false;
            while (Task.WaitAny(new Task[] { task }, 200) < 0)
            {
                if (DateTime.UtcNow - started < TimeSpan.FromSeconds(1)) continue;
                var record = ProgressNow();
                if (record == null) continue;
                WriteProgress(record);
                shown = true;
            }
            if (shown) WriteProgress(new ProgressRecord(ActivityId, "Copying", "done") { RecordType = ProgressRecordType.Completed });
            try { return task.GetAwaiter().GetResult(); }
            catch (OutpostException e) { WriteFailure(e); }
            catch (OperationCanceledException) { }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                WriteError(ErrorCategories.Record(e, "CopyFailed", null));
            }
            return null;
        }

        private const int ActivityId = 0x0C09;

        private ProgressRecord? ProgressNow()
        {
            var waiting = _waiting;
            var transfer = _transfer;
            if (transfer != null && (waiting == null || transfer.BytesDone < transfer.BytesTotal))
            {
                int percent = transfer.BytesTotal > 0 ? (int)Math.Min(100, transfer.BytesDone * 100 / transfer.BytesTotal) : 0;
                return new ProgressRecord(ActivityId, transfer.Activity, $"{transfer.BytesDone / 1048576.0:0.0} of {transfer.BytesTotal / 1048576.0:0.0} MiB")
                {
                    PercentComplete = percent,
                    CurrentOperation = transfer.CurrentPath,
                };
            }
            if (waiting == null) return null;
            string where = waiting.QueuePosition > 1 ? $"queued at position {waiting.QueuePosition}" : "running";
            return new ProgressRecord(ActivityId, $"Copying on {waiting.Job.Target}",
                $"{where}; {(waiting.ResponderAlive ? "responder alive" : "no live responder")}; {waiting.Elapsed.TotalSeconds:0} s elapsed");
        }
    }
}
