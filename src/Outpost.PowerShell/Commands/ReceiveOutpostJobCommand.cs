using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Which captured stream Receive-OutpostJob reads.</summary>
    public enum OutpostOutputStream
    {
        Stdout,
        Stderr,
        Both,
    }

    /// <summary>
    /// Returns a finished job's output, as Receive-Job does: stdout down the pipeline and stderr as error
    /// records (so nothing the job said is hidden). -Stream picks one stream, or both, as text. -Artifact
    /// copies the files the job sent back (-Collect) into a local folder instead, and returns them.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "OutpostJob", DefaultParameterSetName = OutputSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(string), ParameterSetName = new[] { OutputSet })]
    [OutputType(typeof(FileInfo), ParameterSetName = new[] { ArtifactSet })]
    public sealed class ReceiveOutpostJobCommand : JobCmdlet
    {
        private const string OutputSet = "Output";
        private const string ArtifactSet = "Artifact";

        /// <summary>Unset: stdout as output and stderr as errors. Stdout: stdout only. Stderr, Both: as text.</summary>
        [Parameter(ParameterSetName = OutputSet)]
        public OutpostOutputStream Stream { get; set; } = OutpostOutputStream.Stdout;

        [Parameter(ParameterSetName = OutputSet)]
        public SwitchParameter Raw { get; set; }

        [Parameter(ParameterSetName = OutputSet)]
        public string? Encoding { get; set; }

        /// <summary>Stderr as error records even with -Stream Stdout (the default already does this).</summary>
        [Parameter(ParameterSetName = OutputSet)]
        public SwitchParameter StderrAsError { get; set; }

        /// <summary>The files the job sent back (Submit-OutpostJob -Collect) instead of its output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ArtifactSet)]
        public SwitchParameter Artifact { get; set; }

        /// <summary>The local folder the artifacts are copied into (created when missing), keeping their relative paths.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ArtifactSet)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; } = "";

        /// <summary>Replace files already in -Destination; without it an existing file stops the copy before anything is written.</summary>
        [Parameter(ParameterSetName = ArtifactSet)]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var job = target.GetJob(Lane, Stem);
                if (job.Result == null)
                {
                    string has = ParameterSetName == ArtifactSet ? "no artifacts" : "no output";
                    WriteError(Error("JobNotFinished", ErrorCategory.ResourceUnavailable,
                        $"job {Stem} on {target.Name} is {job.State.ToString().ToLowerInvariant()}: it has {has} yet (use Wait-OutpostJob first)", Stem));
                    return;
                }
                if (ParameterSetName == ArtifactSet)
                {
                    ReceiveArtifacts(target, job);
                    return;
                }
                Encoding encoding = OutputText.Resolve(Encoding);
                bool streamGiven = MyInvocation.BoundParameters.ContainsKey(nameof(Stream));
                bool stderrAsErrors = StderrAsError || !streamGiven;
                if (Stream != OutpostOutputStream.Stderr) Emit(target, job, OutputStreamKind.Stdout, encoding, asError: false);
                if (!streamGiven || Stream != OutpostOutputStream.Stdout || StderrAsError) Emit(target, job, OutputStreamKind.Stderr, encoding, stderrAsErrors);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }

        private void ReceiveArtifacts(OutpostTarget target, OutpostJob job)
        {
            var result = job.Result!;
            if (result.ArtifactsSha256.Length == 0)
            {
                WriteWarning($"job {job.Stem} on {target.Name} has no artifacts: it was submitted without -Collect, or its files could not be collected (its stderr says why)");
                return;
            }
            string folder = FilePaths.Folder(this, Destination, "-Destination");
            if (!ShouldProcess(folder, $"Copy {result.Artifacts} artifact(s) of job {job.Stem} from {target.Name}")) return;
            var bar = new TransferProgressBar(0x075A, $"Receiving files of {job.Stem} from {target.Name}", WriteProgress);
            IReadOnlyList<string> written;
            try { written = ArtifactReceiver.Receive(target, job, folder, Force, bar.Report); }
            finally { bar.Complete(); }
            if (written.Count == 0)
                WriteWarning($"job {job.Stem} on {target.Name} sent back no files: nothing matched its -Collect patterns (its stderr says which)");
            foreach (string file in written) WriteObject(new FileInfo(file));
        }

        private void Emit(OutpostTarget target, OutpostJob job, OutputStreamKind kind, Encoding encoding, bool asError)
        {
            using var stream = target.OpenOutput(job, kind);
            if (Raw)
            {
                string text = OutputText.ReadAll(stream, encoding);
                if (text.Length == 0) return;
                if (asError) WriteError(StderrRecord.For(text, job.Stem));
                else WriteObject(text);
                return;
            }
            foreach (string line in OutputText.ReadLines(stream, encoding))
            {
                if (asError) WriteError(StderrRecord.For(line, job.Stem));
                else WriteObject(line);
            }
        }
    }
}
