using System.Management.Automation;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The cmdlets that act on one job (Wait, Receive, Stop, Remove): the job is addressed by its target
    /// (-Target or -Path), lane and stem, all bound by property name from an OutpostJob.
    /// </summary>
    public abstract class JobCmdlet : TargetCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 64)]
        public int Lane { get; set; } = 1;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StemCompleter))]
        public string Stem { get; set; } = "";
    }
}
