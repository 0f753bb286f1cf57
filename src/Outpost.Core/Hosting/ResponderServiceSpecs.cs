using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Outpost.Core.Hosting
{
    /// <summary>The responder settings a service definition carries, mirroring Start-OutpostResponder.</summary>
    public sealed class ServicedResponder
    {
        public string SharePath { get; set; } = "";
        public int LaneCount { get; set; }
        public string? Name { get; set; }
        public string? ConfigPath { get; set; }
        public double? PollIntervalSeconds { get; set; }
        /// <summary>The service name; default outpost-&lt;share folder name&gt;.</summary>
        public string? ServiceName { get; set; }

        public string EffectiveServiceName =>
            ServiceRegistrar.NamePrefix + ServiceSpec.SafeName(ServiceName ?? Name ?? FolderName(SharePath));

        /// <summary>A target made by target init keeps its share in &lt;id&gt;/share: the id names it better than "share".</summary>
        private static string FolderName(string sharePath)
        {
            string full = Path.GetFullPath(sharePath).TrimEnd('/', '\\');
            string name = Path.GetFileName(full);
            return name == "share" && Path.GetDirectoryName(full) is string parent ? Path.GetFileName(parent) : name;
        }

        /// <summary>The target's own outpost.toml beside its share (the target init layout), or null.</summary>
        public static string? ConventionalConfig(string sharePath)
        {
            string? parent = Path.GetDirectoryName(Path.GetFullPath(sharePath).TrimEnd('/', '\\'));
            string? candidate = parent == null ? null : Path.Combine(parent, "outpost.toml");
            return candidate != null && File.Exists(candidate) ? candidate : null;
        }
    }

    /// <summary>Builds the command line a service runs: the supervised responder, under PowerShell or the outpost CLI.</summary>
    public static class ResponderServiceSpecs
    {
        /// <summary>pwsh/powershell.exe importing the module and running Start-OutpostResponder -Supervise.</summary>
        public static ServiceSpec ForPowerShell(string powershellPath, string modulePath, ServicedResponder responder, ServiceScope scope, ServiceTrigger trigger)
        {
            var command = new List<string>
            {
                "Import-Module " + PsQuote(modulePath) + ";",
                "Start-OutpostResponder -Path " + PsQuote(responder.SharePath) + " -Supervise",
            };
            if (responder.LaneCount > 0) command.Add("-LaneCount " + responder.LaneCount.ToString(CultureInfo.InvariantCulture));
            if (responder.Name != null) command.Add("-Name " + PsQuote(responder.Name));
            if (responder.ConfigPath != null) command.Add("-ConfigPath " + PsQuote(responder.ConfigPath));
            if (responder.PollIntervalSeconds.HasValue) command.Add("-PollIntervalSec " + responder.PollIntervalSeconds.Value.ToString(CultureInfo.InvariantCulture));
            command.Add("| Out-Null");
            return Spec(powershellPath, new List<string> { "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", string.Join(" ", command) },
                responder, scope, trigger);
        }

        /// <summary>The outpost command: <c>outpost run --supervise --dir …</c> (dotnet + outpost.dll where there is no apphost).</summary>
        public static ServiceSpec ForCli(string program, IList<string> leadingArguments, ServicedResponder responder, ServiceScope scope, ServiceTrigger trigger)
        {
            var args = new List<string>(leadingArguments) { "run", "--supervise", "--quiet", "--dir", responder.SharePath };
            if (responder.LaneCount > 0) { args.Add("--lanes"); args.Add(responder.LaneCount.ToString(CultureInfo.InvariantCulture)); }
            if (responder.Name != null) { args.Add("--name"); args.Add(responder.Name); }
            if (responder.ConfigPath != null) { args.Add("--config"); args.Add(responder.ConfigPath); }
            if (responder.PollIntervalSeconds.HasValue) { args.Add("--poll"); args.Add(responder.PollIntervalSeconds.Value.ToString(CultureInfo.InvariantCulture) + "s"); }
            return Spec(program, args, responder, scope, trigger);
        }

        private static ServiceSpec Spec(string program, IList<string> args, ServicedResponder responder, ServiceScope scope, ServiceTrigger trigger) => new ServiceSpec
        {
            Name = responder.EffectiveServiceName,
            Description = "Outpost responder (supervised) for " + responder.SharePath,
            Program = program,
            Arguments = args,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(responder.SharePath)) ?? "",
            SharePath = Path.GetFullPath(responder.SharePath),
            Scope = scope,
            Trigger = trigger,
        };

        private static string PsQuote(string value) => "'" + value.Replace("'", "''") + "'";
    }
}
