using System.IO;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Hosting;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Registers a supervised responder with this host's service manager (Task Scheduler, systemd or
    /// launchd) so it survives reboots, log-offs, share outages and RESTART requests.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(ResponderRegistration))]
    public sealed class RegisterOutpostResponderCommand : OutpostCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        [Alias("Lanes")]
        public int LaneCount { get; set; }

        /// <summary>The responder name to advertise.</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ConfigPath { get; set; }

        [Parameter]
        [ValidateRange(0.01, 3600)]
        public double PollIntervalSec { get; set; }

        /// <summary>The service/task name (outpost-… is prefixed); default from -Name or the share folder.</summary>
        [Parameter]
        [ValidatePattern("^[A-Za-z0-9_-]{1,60}$")]
        public string? ServiceName { get; set; }

        /// <summary>CurrentUser: a user unit/agent/task as you. AllUsers: a system unit/daemon, or a SYSTEM task.</summary>
        [Parameter]
        public ServiceScope Scope { get; set; } = ServiceScope.CurrentUser;

        /// <summary>Windows: start the task at log on (default for CurrentUser) or at startup (default for AllUsers, which runs as SYSTEM).</summary>
        [Parameter]
        public ServiceTrigger? Trigger { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var responder = new ServicedResponder
                {
                    SharePath = target.Path,
                    LaneCount = LaneCount,
                    Name = Name,
                    ConfigPath = ConfigPath == null ? ServicedResponder.ConventionalConfig(target.Path) : GetUnresolvedProviderPathFromPSPath(ConfigPath),
                    PollIntervalSeconds = PollIntervalSec > 0 ? PollIntervalSec : (double?)null,
                    ServiceName = ServiceName ?? Target,
                };
                // Whichever PowerShell registers it runs it, found in $PSHOME: the process itself may be
                // powershell_ise.exe, or dotnet under the PowerShell .NET tool.
                string host = PowerShellHost.FromPSHome((string)SessionState.PSVariable.GetValue("PSHOME"));
                string module = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(OutpostCmdlet).Assembly.Location)!, "Outpost.psd1");
                var spec = ResponderServiceSpecs.ForPowerShell(host, module, responder, Scope, Trigger ?? ServiceTriggers.DefaultFor(Scope));
                var plan = ServiceRegistrar.Plan(spec);
                if (!ShouldProcess(plan.DefinitionPath, $"Register {plan.Manager} {spec.Name} with this definition:\n{plan.Definition}")) return;
                WriteObject(ServiceRegistrar.Register(spec));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
