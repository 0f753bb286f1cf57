using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Security;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Drops a job into a target's inbox; optionally waits for its result or runs as a PowerShell job.</summary>
    [Cmdlet(VerbsLifecycle.Submit, "OutpostJob", DefaultParameterSetName = ParameterSets.FilePath,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OutpostJob))]
    [OutputType(typeof(OutpostSubmitJob))]
    public sealed class SubmitOutpostJobCommand : FileJobCmdlet
    {
        private IReadOnlyList<string> _attachments = Array.Empty<string>();

        /// <summary>One or more registered targets: the job goes to each of them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string[]? Target { get; set; }

        /// <summary>One or more share folders: the job goes to each of them.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? Path { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParameterSets.FilePath, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        public string FilePath { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParameterSets.ScriptBlock)]
        public ScriptBlock? ScriptBlock { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParameterSets.Command)]
        public string Command { get; set; } = "";

        [Parameter(ParameterSetName = ParameterSets.Command)]
        [Parameter(ParameterSetName = ParameterSets.FilePath)]
        public string? Extension { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Lane { get; set; } = 1;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidatePattern("^[a-z0-9_-]{1,64}$")]
        public string? Label { get; set; }

        [Parameter]
        public Hashtable? Environment { get; set; }

        [Parameter]
        public string? WorkingDirectory { get; set; }

        /// <summary>A private key file made by New-OutpostKey: the job is signed so a responder that requires signatures runs it.</summary>
        [Parameter]
        public string? SigningKey { get; set; }

        /// <summary>Gzip the attachments (and the artifacts coming back) on their way through the share.</summary>
        [Parameter]
        public SwitchParameter CompressFiles { get; set; }

        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void BeginProcessing()
        {
            if (Wait && AsJob)
                ThrowTerminatingError(Error("WaitAndAsJob", ErrorCategory.InvalidArgument, "use -Wait or -AsJob, not both", null));
            // The same files go to every target and with every piped script: a path that names nothing stops it all.
            _attachments = ResolveFiles();
        }

        protected override void ProcessRecord()
        {
            var submitted = new List<(OutpostTarget Target, OutpostJob Job)>();
            foreach (var (name, path) in TargetAddresses.From(Target, Path))
            {
                var one = SubmitTo(name, path);
                if (one != null) submitted.Add(one.Value);
            }
            // Several targets are waited for together: each result is written as it lands.
            if (Wait && submitted.Count > 0) new JobWaiting(WriteObject, WriteFailure, WriteProgress).Run(submitted, null, CancelToken);
        }

        /// <summary>Submits to one target; a failure is an error for that target only.</summary>
        private (OutpostTarget, OutpostJob)? SubmitTo(string? name, string? path)
        {
            OutpostTarget target;
            JobSubmission submission;
            try
            {
                target = ResolveTarget(name, path);
                submission = BuildSubmission(target);
                if (ServedExtensions.Check(target, submission.Extension) is string notice) WriteWarning(notice);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
                return null;
            }
            if (!ShouldProcess($"{target.Name} lane {Lane}", $"Submit .{submission.Extension} job ({submission.Content.Length} bytes){JobFileOptions.Describe(submission)}")) return null;
            var bar = new TransferProgressBar(0x0759, $"Sending files to {target.Name}", WriteProgress);
            submission.Progress = bar.Report;
            submission.Cancel = CancelToken; // Ctrl+C while attachments are written: nothing is left queued
            OutpostJob job;
            try { job = target.Submit(submission); }
            catch (OutpostException e)
            {
                WriteFailure(e);
                return null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            finally { bar.Complete(); }
            WriteVerbose($"submitted {job.Stem} to {target.Name} lane {job.Lane}");
            if (AsJob)
            {
                var psJob = new OutpostSubmitJob(MyInvocation.Line, target, job);
                JobRepository.Add(psJob);
                psJob.Start();
                WriteObject(psJob);
            }
            else if (!Wait) WriteObject(job);
            return (target, job);
        }

        private JobSubmission BuildSubmission(OutpostTarget target)
        {
            JobSubmission submission;
            switch (ParameterSetName)
            {
                case ParameterSets.ScriptBlock:
                    submission = JobSubmission.FromText(ScriptBlock!.ToString(), "ps1");
                    break;
                case ParameterSets.Command:
                    submission = JobSubmission.FromText(Command, Extension ?? DefaultExtension(target));
                    break;
                default:
                    string file = GetUnresolvedProviderPathFromPSPath(FilePath);
                    if (!File.Exists(file))
                        throw new OutpostException("ScriptFileNotFound", OutpostErrorKind.NotFound, $"no such script file: {file}", FilePath);
                    string ext = Extension ?? System.IO.Path.GetExtension(file).TrimStart('.');
                    if (ext.Length == 0)
                        throw new OutpostException("ExtensionRequired", OutpostErrorKind.InvalidArgument,
                            $"{file} has no extension; say which interpreter runs it with -Extension (e.g. sh, ps1, py)", FilePath);
                    submission = new JobSubmission(File.ReadAllBytes(file), ext);
                    if (Label == null) submission.Label = Core.Protocol.Stem.ToLabel(System.IO.Path.GetFileNameWithoutExtension(file));
                    break;
            }
            submission.Lane = Lane;
            if (Label != null) submission.Label = Label;
            if (TimeoutSec > 0) submission.TimeoutSeconds = TimeoutSec;
            submission.WorkingDirectory = WorkingDirectory;
            if (Environment != null)
            {
                foreach (DictionaryEntry entry in Environment)
                {
                    string name = entry.Key.ToString()!;
                    submission.Environment[name] = ValueText(entry.Value);
                    // A SecureString says "secret": the responder redacts it from its archive.
                    if ((entry.Value is PSObject ps ? ps.BaseObject : entry.Value) is SecureString) submission.SecretNames.Add(name);
                }
            }
            JobFileOptions.Apply(submission, _attachments, Collect, CompressFiles);
            // -Collect names files where the job works: its own folder, or the folder -WorkingDirectory sends it to.
            if (Collect != null && !string.IsNullOrEmpty(WorkingDirectory)) submission.CollectFrom = WorkingDirectory;
            if (SigningKey != null) submission.SigningKey = Core.Trust.OutpostKey.Load(GetUnresolvedProviderPathFromPSPath(SigningKey));
            return submission;
        }

        /// <summary>The target's first advertised extension, else sh.</summary>
        private static string DefaultExtension(OutpostTarget target)
        {
            var status = target.Probe();
            return status.DispatchOrder.Count > 0 ? status.DispatchOrder[0] : "sh";
        }

        private static string ValueText(object? value)
        {
            object? inner = value is PSObject ps ? ps.BaseObject : value;
            if (inner is SecureString secure)
            {
                IntPtr text = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(secure);
                try { return System.Runtime.InteropServices.Marshal.PtrToStringUni(text) ?? ""; }
                finally { System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(text); }
            }
            return inner?.ToString() ?? "";
        }
    }
}
