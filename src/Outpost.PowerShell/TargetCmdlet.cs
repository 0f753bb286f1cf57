using System.Management.Automation;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The cmdlets that act on one target: -Target (a registry name) or -Path (the share folder), both
    /// bound by property name from the objects the other cmdlets emit. Declared here once.
    /// </summary>
    public abstract class TargetCmdlet : OutpostCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

        /// <summary>The target -Target or -Path names (the registry's default when neither is given).</summary>
        protected OutpostTarget ResolveTarget() => ResolveTarget(Target, Path);
    }
}
