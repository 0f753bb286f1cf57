using System.Linq;
using System.Management.Automation;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Lists the Outpost sessions opened in this PowerShell process, as Get-PSSession does.</summary>
    [Cmdlet(VerbsCommon.Get, "OutpostSession", DefaultParameterSetName = "Name")]
    [OutputType(typeof(OutpostSession))]
    public sealed class GetOutpostSessionCommand : OutpostCmdlet
    {
        [Parameter(Position = 0, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Id")]
        public int[]? Id { get; set; }

        [Parameter]
        [SupportsWildcards]
        public string? Target { get; set; }

        [Parameter]
        public OutpostSessionState? State { get; set; }

        protected override void ProcessRecord()
        {
            var names = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            var target = Target == null ? null : new WildcardPattern(Target, WildcardOptions.IgnoreCase);
            foreach (var session in SessionClient.All)
            {
                if (names != null && !names.Any(n => n.IsMatch(session.Name))) continue;
                if (Id != null && !Id.Contains(session.Id)) continue;
                if (target != null && !target.IsMatch(session.Target)) continue;
                if (State.HasValue && session.State != State.Value) continue;
                WriteObject(session);
            }
        }
    }
}
