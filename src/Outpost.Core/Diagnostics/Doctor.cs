using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Protocol;

namespace Outpost.Core.Diagnostics
{
    public enum FindingLevel { Ok, Warning, Error }

    /// <summary>One thing the doctor checked, what it found, and the command to run next.</summary>
    public sealed class OutpostFinding
    {
        public string Target { get; set; } = "";
        public string Check { get; set; } = "";
        public FindingLevel Level { get; set; }
        public string Message { get; set; } = "";
        public string Suggestion { get; set; } = "";

        public override string ToString() => $"[{Level}] {Target} {Check}: {Message}" + (Suggestion.Length > 0 ? $" → {Suggestion}" : "");
    }

    /// <summary>
    /// Correlates the environment, the registry, each share's folders and each responder's liveness
    /// into findings, each with a suggested next command (v1's <c>outpost doctor</c>).
    /// </summary>
    public static class Doctor
    {
        public static async Task<IReadOnlyList<OutpostFinding>> ExamineAsync(string? registryPath, IEnumerable<OutpostTarget>? only, TimeSpan timeout)
        {
            var findings = new List<OutpostFinding>();
            List<OutpostTarget> targets;
            if (only != null) targets = only.ToList();
            else
            {
                string file = ConfigPaths.TargetsFile(registryPath);
                TargetRegistry? registry = null;
                try { registry = TargetRegistry.Load(file); }
                catch (OutpostException e)
                {
                    findings.Add(Finding("", "registry", FindingLevel.Error, e.Message, $"fix {file} by hand, or Remove-Item '{file}' and Add-OutpostTarget again"));
                }
                targets = new List<OutpostTarget>();
                if (registry != null)
                {
                    if (!registry.FileExists)
                        findings.Add(Finding("", "registry", FindingLevel.Warning, $"no targets.toml at {file}",
                            "Add-OutpostTarget -Name <name> -Path <share folder>   (outpost client init)"));
                    else findings.Add(Finding("", "registry", FindingLevel.Ok, $"{file}: {registry.Targets.Count} target(s)", ""));
                    foreach (string warning in registry.Warnings)
                        findings.Add(Finding("", "registry", FindingLevel.Warning, warning, $"edit {file}"));
                    targets.AddRange(registry.Targets.Select(t => new OutpostTarget(t.Path, t.Name) { ExpectedName = t.ExpectedName }));
                }
            }
            var statuses = await TargetProbe.ProbeManyAsync(targets, timeout).ConfigureAwait(false);
            for (int i = 0; i < targets.Count; i++) findings.AddRange(Examine(targets[i], statuses[i]));
            return findings;
        }

        /// <summary>
        /// The command that starts this share's responder; a share made by target init (Initialize-OutpostTarget)
        /// has its outpost.toml beside it, and a responder started without it would run with the wrong table.
        /// </summary>
        internal static string StartCommand(string path)
        {
            string? config = Hosting.ServicedResponder.ConventionalConfig(path);
            return config == null
                ? $"Start-OutpostResponder -Path '{path}'   (outpost run --dir '{path}')"
                : $"Start-OutpostResponder -Path '{path}' -ConfigPath '{config}'   (outpost run --dir '{path}' --config '{config}')";
        }

        private static IEnumerable<OutpostFinding> Examine(OutpostTarget target, OutpostTargetStatus status)
        {
            string name = target.Name;
            string path = target.Path;
            if (!Directory.Exists(path))
            {
                yield return Finding(name, "folder", FindingLevel.Error, $"{path} does not exist or is not reachable",
                    $"check that the share is mounted, or Set-OutpostTarget -Name {name} -Path <folder>");
                yield break;
            }
            yield return Finding(name, "folder", FindingLevel.Ok, path, "");
            string? writeError = TryWrite(target);
            if (writeError != null)
                yield return Finding(name, "permissions", FindingLevel.Error, $"cannot write to {target.Layout.Inbox}: {writeError}", "give this account write access to the share");
            if (status.Error != null && status.Collision == null && status.ResponderName.Length == 0 && status.Lanes.All(l => l.LastHeartbeat == null))
            {
                yield return Finding(name, "responder", FindingLevel.Error, status.Error,
                    "start one on the target host: " + StartCommand(path));
                yield break;
            }
            if (status.Collision != null)
                yield return Finding(name, "name", FindingLevel.Error, status.Error!, "give each responder its own name: [responder] name in its outpost.toml");
            else if (target.ExpectedName.Length > 0 && status.ResponderName != target.ExpectedName)
                yield return Finding(name, "name", FindingLevel.Error, status.Error ?? "unexpected responder name", $"Set-OutpostTarget -Name {name} -Path <the right share>");
            if (status.ProtocolVersion != 0 && status.ProtocolVersion != Wire.ProtocolVersion)
                yield return Finding(name, "protocol", FindingLevel.Error, $"the responder speaks protocol {status.ProtocolVersion}", "upgrade the older side");
            if (status.Alive)
                yield return Finding(name, "responder", FindingLevel.Ok,
                    $"{status.ResponderName} (pid {status.Pid}, {status.Platform}) alive, {status.Lanes.Count(l => l.Alive)}/{status.Lanes.Count} lane(s)", "");
            else
                yield return Finding(name, "responder", FindingLevel.Error, "no live responder (no heartbeat younger than 10 s)",
                    "start it on the target host: " + StartCommand(path));
            if (status.Paused)
                yield return Finding(name, "sentinel", FindingLevel.Warning, "PAUSE is set: jobs queue but do not run", $"Resume-OutpostResponder -Path '{path}'");
            foreach (string sentinel in new[] { Wire.StopSentinel, Wire.RestartSentinel })
                if (target.HasSentinel(sentinel) && status.Alive)
                    yield return Finding(name, "sentinel", FindingLevel.Warning, $"{sentinel} is set: the responder is about to exit", "wait for it, or delete the file if it is stale");
            int queued = status.Lanes.Sum(l => l.Queued);
            if (queued > 0 && !status.Alive)
                yield return Finding(name, "queue", FindingLevel.Warning, $"{queued} job(s) wait with no live responder", "start the responder, or Remove-OutpostJob -Force them");
        }

        private static string? TryWrite(OutpostTarget target)
        {
            string probe = Path.Combine(target.Layout.Inbox, ".outpost-doctor." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                Directory.CreateDirectory(target.Layout.Inbox);
                File.WriteAllText(probe, "");
                File.Delete(probe);
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return e.Message;
            }
        }

        private static OutpostFinding Finding(string target, string check, FindingLevel level, string message, string suggestion) =>
            new OutpostFinding { Target = target, Check = check, Level = level, Message = message, Suggestion = suggestion };
    }
}
