using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Probes targets in parallel: reachability, advertisement, lanes and collisions.</summary>
    [Cmdlet(VerbsCommon.Get, "OutpostStatus")]
    [OutputType(typeof(OutpostTargetStatus))]
    public sealed class GetOutpostStatusCommand : OutpostCmdlet
    {
        private readonly List<OutpostTarget> _targets = new List<OutpostTarget>();

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string[]? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? Path { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 5;

        protected override void ProcessRecord()
        {
            try
            {
                if (Path != null)
                {
                    foreach (string path in Path) _targets.Add(ResolveTarget(null, path));
                }
                else if (Target != null)
                {
                    foreach (string name in Target)
                    {
                        try { _targets.Add(TargetNames.Resolve(name)); }
                        catch (OutpostException e) { WriteFailure(e); }
                    }
                }
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }

        protected override void EndProcessing()
        {
            if (_targets.Count == 0 && Target == null && Path == null)
            {
                TargetRegistry registry;
                try { registry = TargetRegistry.LoadDefault(); }
                catch (OutpostException e) { ThrowFailure(e); return; }
                foreach (string warning in registry.Warnings) WriteWarning(warning);
                if (registry.Targets.Count == 0)
                {
                    WriteError(Error("NoTargets", ErrorCategory.ObjectNotFound,
                        $"no targets are registered in {registry.FilePath}; give -Path <share folder> or register one with Add-OutpostTarget", registry.FilePath));
                    return;
                }
                _targets.AddRange(registry.Targets.Select(t => new OutpostTarget(t.Path, t.Name) { ExpectedName = t.ExpectedName }));
            }
            if (_targets.Count == 0) return;
            var statuses = TargetProbe.ProbeManyAsync(_targets, TimeSpan.FromSeconds(TimeoutSec), CancelToken).GetAwaiter().GetResult();
            foreach (var status in statuses) WriteObject(status);
        }
    }
}
