using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Hosting;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Lists the supervised responders registered on this host, with the service manager's state where it can be read.</summary>
    [Cmdlet(VerbsCommon.Get, "OutpostResponderRegistration")]
    [OutputType(typeof(ResponderRegistration))]
    public sealed class GetOutpostResponderRegistrationCommand : OutpostCmdlet
    {
        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var patterns = (Name ?? new[] { "*" }).Select(Glob.ToRegex).ToList();
                foreach (var registration in ServiceRegistrar.List())
                    if (patterns.Any(p => p.IsMatch(registration.Name) || p.IsMatch(registration.Name.Substring(ServiceRegistrar.NamePrefix.Length))))
                        WriteObject(registration);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
