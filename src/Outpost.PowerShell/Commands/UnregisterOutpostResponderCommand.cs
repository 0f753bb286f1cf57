using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Hosting;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Stops and removes a supervised responder registered with Register-OutpostResponder.</summary>
    [Cmdlet(VerbsLifecycle.Unregister, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class UnregisterOutpostResponderCommand : OutpostCmdlet
    {
        /// <summary>The service/task name, as Get-OutpostResponderRegistration shows it.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; } = "";

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ServiceScope Scope { get; set; } = ServiceScope.CurrentUser;

        protected override void ProcessRecord()
        {
            string name = Name.StartsWith(ServiceRegistrar.NamePrefix) ? Name : ServiceRegistrar.NamePrefix + Name;
            if (!ShouldProcess(name, $"Stop and unregister from {ServiceRegistrar.ManagerName}")) return;
            try
            {
                if (!ServiceRegistrar.Unregister(name, Scope))
                    WriteError(Error("RegistrationNotFound", ErrorCategory.ObjectNotFound,
                        $"no registered responder named {name} ({Scope}); Get-OutpostResponderRegistration lists them", name));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
