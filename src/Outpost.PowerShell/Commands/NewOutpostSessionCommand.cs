using System;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Opens a session on a target, as New-PSSession does: commands sent with it run one at a time in
    /// one PowerShell worker on the target, so variables, functions, modules and location persist.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "OutpostSession", DefaultParameterSetName = "Target", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OutpostSession))]
    public sealed class NewOutpostSessionCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Target", ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

        [Parameter]
        public string? Name { get; set; }

        /// <summary>Seconds without a command after which the responder ends the session (0: the responder's default).</summary>
        [Parameter]
        [ValidateRange(0, 2592000)]
        public int IdleTimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Lane { get; set; } = 1;

        /// <summary>How long to wait for the responder to start the session's worker.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int OpenTimeoutSec { get; set; } = 60;

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                if (!ShouldProcess(target.Name, "Open an Outpost session")) return;
                var session = SessionClient.Open(target, Name, IdleTimeoutSec, Lane, TimeSpan.FromSeconds(OpenTimeoutSec), CancelToken);
                if (session.Stateless)
                {
                    session.StatelessWarned = true;
                    WriteWarning(SessionInvocation.StatelessWarning(session));
                }
                WriteObject(session);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
            catch (OperationCanceledException) { }
        }
    }
}
