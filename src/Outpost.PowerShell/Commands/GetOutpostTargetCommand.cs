using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Lists the targets registered in targets.toml (explicit entries and scanned folders).</summary>
    [Cmdlet(VerbsCommon.Get, "OutpostTarget")]
    [OutputType(typeof(TargetEntry))]
    public sealed class GetOutpostTargetCommand : OutpostCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        /// <summary>The registry file; default: OUTPOST_TARGETS, else the per-user targets.toml.</summary>
        [Parameter]
        public string? RegistryPath { get; set; }

        protected override void ProcessRecord()
        {
            TargetRegistry registry;
            try { registry = TargetRegistry.Load(RegistryFile(RegistryPath)); }
            catch (OutpostException e) { ThrowFailure(e); return; }
            foreach (string warning in registry.Warnings) WriteWarning(warning);
            if (!registry.FileExists) WriteVerbose($"no registry at {registry.FilePath}");
            if (Name == null)
            {
                WriteObject(registry.Targets, enumerateCollection: true);
                return;
            }
            foreach (string pattern in Name)
            {
                var regex = Glob.ToRegex(pattern);
                var matches = registry.Targets.Where(t => regex.IsMatch(t.Name)).ToList();
                if (matches.Count == 0 && !Glob.HasWildcards(pattern))
                {
                    try { registry.Resolve(pattern); }
                    catch (OutpostException e) { WriteFailure(e); }
                    continue;
                }
                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
