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

    /// <summary>Returns a finished job's stdout and/or stderr, as lines or as one string.</summary>
    [Cmdlet(VerbsCommunications.Receive, "OutpostJob")]
    [OutputType(typeof(string))]
    public sealed class ReceiveOutpostJobCommand : JobCmdlet
    {
        [Parameter]
        public OutpostOutputStream Stream { get; set; } = OutpostOutputStream.Stdout;

        [Parameter]
        public SwitchParameter Raw { get; set; }

        [Parameter]
        public string? Encoding { get; set; }

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
                if (Stream != OutpostOutputStream.Stderr) Emit(target, job, OutputStreamKind.Stdout, encoding, asError: false);
                if (Stream != OutpostOutputStream.Stdout || StderrAsError) Emit(target, job, OutputStreamKind.Stderr, encoding, StderrAsError);
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
                if (asError) WriteError(StderrRecord(text, job));
                else WriteObject(text);
                return;
            }
            foreach (string line in OutputText.ReadLines(stream, encoding))
            {
                if (asError) WriteError(StderrRecord(line, job));
                else WriteObject(line);
            }
        }

        private static ErrorRecord StderrRecord(string text, OutpostJob job) =>
            new ErrorRecord(new RemoteException(text), "OutpostJobStderr", ErrorCategory.NotSpecified, job.Stem);
    }
}
