using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;

namespace Outpost.PowerShell
{
    /// <summary>Completes -Target with the names in the user's targets.toml.</summary>
    public sealed class TargetNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<TargetEntry> targets;
            try { targets = TargetRegistry.LoadDefault().Targets; }
            catch (OutpostException) { yield break; }
            foreach (var t in targets.Where(t => t.Name.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase)))
                yield return new CompletionResult(t.Name, t.Name, CompletionResultType.ParameterValue, t.Path);
        }
    }

    /// <summary>Completes -Stem with the jobs of the target already on the command line.</summary>
    public sealed class StemCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<OutpostJob> jobs;
            try
            {
                string? path = fakeBoundParameters["Path"] as string;
                var target = !string.IsNullOrEmpty(path)
                    ? new OutpostTarget(path!)
                    : TargetNames.Resolve(fakeBoundParameters["Target"] as string);
                jobs = target.GetJobs();
            }
            catch (Exception e) when (e is OutpostException || e is ArgumentException || e is System.IO.IOException)
            {
                yield break;
            }
            foreach (var job in jobs.Where(j => j.Stem.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase)).Reverse().Take(100))
                yield return new CompletionResult(job.Stem, job.Stem, CompletionResultType.ParameterValue, $"{job.State} (lane {job.Lane})");
        }
    }
}
