using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Diagnostics;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// The doctor: correlates the environment, the registry, each share's folders and each responder's
    /// liveness into findings, each with a suggested next command.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "OutpostTarget")]
    [OutputType(typeof(OutpostFinding))]
    [OutputType(typeof(bool))]
    public sealed class TestOutpostTargetCommand : OutpostCmdlet
    {
        private readonly List<OutpostTarget> _targets = new List<OutpostTarget>();

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string[]? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string[]? Path { get; set; }

        [Parameter]
        public string? RegistryPath { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 5;

        /// <summary>Return only $true or $false: are all examined targets free of errors?</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string path in Path ?? new string[0]) _targets.Add(ResolveTarget(null, path));
            foreach (string name in Target ?? new string[0])
            {
                try { _targets.Add(TargetNames.Resolve(name, RegistryPath == null ? null : GetUnresolvedProviderPathFromPSPath(RegistryPath))); }
                catch (OutpostException e) { WriteFailure(e); }
            }
        }

        protected override void EndProcessing()
        {
            string? registry = RegistryPath == null ? null : GetUnresolvedProviderPathFromPSPath(RegistryPath);
            var findings = Doctor.ExamineAsync(registry, _targets.Count > 0 ? _targets : null, TimeSpan.FromSeconds(TimeoutSec))
                .GetAwaiter().GetResult();
            if (Quiet) WriteObject(findings.All(f => f.Level != FindingLevel.Error));
            else WriteObject(findings, enumerateCollection: true);
        }
    }
}
