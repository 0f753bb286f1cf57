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
    /// records (so nothing the job said is hidden). -Stream picks one stream, or both, as text.
    /// </summary>
    [Cmdlet(VerbsCommunications.Receive, "OutpostJob")]
    [OutputType(typeof(string))]
    public sealed class ReceiveOutpostJobCommand : JobCmdlet
    {
        /// <summary>Unset: stdout as output and stderr as errors. Stdout: stdout only. Stderr, Both: as text.</summary>
        [Parameter]
        public OutpostOutputStream Stream { get; set; } = OutpostOutputStream.Stdout;

        [Parameter]
        public SwitchParameter Raw { get; set; }

        [Parameter]
        public string? Encoding { get; set; }

        /// <summary>Stderr as error records even with -Stream Stdout (the default already does this).</summary>
        [Parameter]
        public SwitchParameter StderrAsError { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var job = target.GetJob(Lane, Stem);
                if (job.Result == null)
                {
                    WriteError(Error("JobNotFinished", ErrorCategory.ResourceUnavailable,
                        $"job {Stem} on {target.Name} is {job.State.ToString().ToLowerInvariant()}: it has no output yet (use Wait-OutpostJob first)", Stem));
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
