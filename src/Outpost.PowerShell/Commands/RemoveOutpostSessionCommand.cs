using System;
using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Ends sessions: their workers on the responders stop and their state is gone, as Remove-PSSession does.</summary>
    [Cmdlet(VerbsCommon.Remove, "OutpostSession", DefaultParameterSetName = "Session", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveOutpostSessionCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Session", ValueFromPipeline = true)]
        public OutpostSession[]? Session { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Name")]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Id")]
        public int[]? Id { get; set; }

        protected override void ProcessRecord()
        {
            var chosen = Session ?? SessionClient.All.Where(s =>
                (Name != null && Name.Any(n => new WildcardPattern(n, WildcardOptions.IgnoreCase).IsMatch(s.Name))) ||
                (Id != null && Id.Contains(s.Id))).ToArray();
            if (chosen.Length == 0 && Session == null)
            {
                WriteError(Error("OutpostSessionNotFound", ErrorCategory.ObjectNotFound,
                    "no Outpost session matches " + string.Join(", ", (Name ?? Id?.Select(i => i.ToString()) ?? Array.Empty<string>())), Name ?? (object?)Id));
                return;
            }
            foreach (var session in chosen)
            {
                if (!ShouldProcess($"{session.Name} on {session.Target}", "Remove Outpost session")) continue;
                try
                {
                    SessionClient.Close(session, TimeSpan.FromSeconds(30));
                }
                catch (OutpostException e)
                {
                    WriteFailure(e); // the session is forgotten here all the same; its worker ends at its idle timeout
                }
            }
        }
    }
}
