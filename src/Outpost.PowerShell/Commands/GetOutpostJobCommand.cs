using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Lists a target's jobs: queued (inbox), running (status), finished (outbox) and archived (log).</summary>
    [Cmdlet(VerbsCommon.Get, "OutpostJob")]
    [OutputType(typeof(OutpostJob))]
    public sealed class GetOutpostJobCommand : TargetCmdlet
    {
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(StemCompleter))]
        [SupportsWildcards]
        public string[]? Stem { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string[]? Label { get; set; }

        [Parameter]
        public OutpostJobState[]? State { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Lane { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Newest { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var filter = new JobFilter
                {
                    Stems = Stem ?? new string[0],
                    Labels = Label ?? new string[0],
                    States = State ?? new OutpostJobState[0],
                    Newest = Newest > 0 ? Newest : (int?)null,
                };
                bool found = false;
                foreach (var job in filter.Apply(target.GetJobs(Lane > 0 ? Lane : (int?)null)))
                {
                    found = true;
                    WriteObject(job);
                }
                // Asked for a stem by exact name and it is not there: say so, as Get-Job does.
                if (!found && Stem != null)
                {
                    foreach (string stem in Stem)
                    {
                        if (Glob.HasWildcards(stem)) continue;
                        WriteError(Error("JobNotFound", ErrorCategory.ObjectNotFound, $"no job {stem} on {target.Name}", stem));
                    }
                }
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
