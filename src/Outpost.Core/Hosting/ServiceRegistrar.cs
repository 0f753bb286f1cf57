using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Outpost.Core.Dispatch;
using Outpost.Core.Transport;

namespace Outpost.Core.Hosting
{
    /// <summary>A supervised responder registered with this host's service manager.</summary>
    public sealed class ResponderRegistration
    {
        public string Name { get; set; } = "";
        /// <summary>systemd, TaskScheduler or launchd.</summary>
        public string Manager { get; set; } = "";
        public ServiceScope Scope { get; set; }
        /// <summary>Where the definition is (a unit file, a plist, or the task's path).</summary>
        public string DefinitionPath { get; set; } = "";
        /// <summary>What the service manager says (active, running, ...), or "unknown" where it cannot be read.</summary>
        public string State { get; set; } = "unknown";
        public string Definition { get; set; } = "";

        public override string ToString() => $"{Name} ({Manager}, {State})";
    }

    /// <summary>
    /// Registers, unregisters and lists supervised responders with the host's own service manager:
    /// systemd (Linux), Task Scheduler (Windows), launchd (macOS). Refuses with a clear error, naming what
    /// it would have written, when that manager is not there.
    /// </summary>
    public static class ServiceRegistrar
    {
        public const string NamePrefix = "outpost-";

        public static string ManagerName =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "TaskScheduler"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "launchd" : "systemd";

        /// <summary>The definition this host's manager would get, and where it would be written.</summary>
        public static ResponderRegistration Plan(ServiceSpec spec)
        {
            string manager = ManagerName;
            return new ResponderRegistration
            {
                Name = spec.Name,
                Manager = manager,
                Scope = spec.Scope,
                DefinitionPath = DefinitionPath(manager, spec.Scope, spec.Name),
                Definition = manager switch
                {
                    "TaskScheduler" => ServiceDefinitions.TaskSchedulerXml(spec),
                    "launchd" => ServiceDefinitions.LaunchdPlist(spec),
                    _ => ServiceDefinitions.SystemdUnit(spec),
                },
                State = "not registered",
            };
        }

        public static ResponderRegistration Register(ServiceSpec spec)
        {
            var plan = Plan(spec);
            RequireManager(plan);
            switch (plan.Manager)
            {
                case "systemd":
                    Directory.CreateDirectory(Path.GetDirectoryName(plan.DefinitionPath)!);
                    AtomicFile.Write(plan.DefinitionPath, new UTF8Encoding(false).GetBytes(plan.Definition));
                    Run("systemctl", UserFlag(spec.Scope).Concat(new[] { "daemon-reload" }));
                    Run("systemctl", UserFlag(spec.Scope).Concat(new[] { "enable", "--now", spec.Name + ".service" }));
                    break;
                case "launchd":
                    Directory.CreateDirectory(Path.GetDirectoryName(plan.DefinitionPath)!);
                    AtomicFile.Write(plan.DefinitionPath, new UTF8Encoding(false).GetBytes(plan.Definition));
                    Run("launchctl", new[] { "load", "-w", plan.DefinitionPath });
                    break;
                default:
                    // A fresh name: the temp folder may be shared (C:\Windows\Temp under SYSTEM on .NET Framework).
                    string xml = Path.Combine(Path.GetTempPath(), spec.Name + "-" + Guid.NewGuid().ToString("N") + ".task.xml");
                    File.WriteAllText(xml, plan.Definition, Encoding.Unicode);
                    try { Run("schtasks.exe", new[] { "/Create", "/TN", plan.DefinitionPath, "/XML", xml, "/F" }); }
                    finally { AtomicFile.TryDelete(xml); }
                    Run("schtasks.exe", new[] { "/Run", "/TN", plan.DefinitionPath });
                    break;
            }
            return Describe(plan.Manager, spec.Scope, spec.Name) ?? plan;
        }

        public static bool Unregister(string name, ServiceScope scope)
        {
            string manager = ManagerName;
            var existing = Describe(manager, scope, name);
            if (existing == null) return false;
            RequireManager(existing);
            switch (manager)
            {
                case "systemd":
                    Run("systemctl", UserFlag(scope).Concat(new[] { "disable", "--now", name + ".service" }), tolerateFailure: true);
                    File.Delete(existing.DefinitionPath);
                    Run("systemctl", UserFlag(scope).Concat(new[] { "daemon-reload" }), tolerateFailure: true);
                    break;
                case "launchd":
                    Run("launchctl", new[] { "unload", "-w", existing.DefinitionPath }, tolerateFailure: true);
                    File.Delete(existing.DefinitionPath);
                    break;
                default:
                    Run("schtasks.exe", new[] { "/End", "/TN", existing.DefinitionPath }, tolerateFailure: true);
                    Run("schtasks.exe", new[] { "/Delete", "/TN", existing.DefinitionPath, "/F" });
                    break;
            }
            return true;
        }

        /// <summary>The supervised responders registered on this host (definitions named outpost-*).</summary>
        public static IReadOnlyList<ResponderRegistration> List()
        {
            string manager = ManagerName;
            var found = new List<ResponderRegistration>();
            foreach (ServiceScope scope in new[] { ServiceScope.CurrentUser, ServiceScope.AllUsers })
            {
                if (manager == "TaskScheduler")
                {
                    var (exit, output) = Run("schtasks.exe", new[] { "/Query", "/FO", "CSV", "/NH" }, tolerateFailure: true);
                    if (exit != 0) break;
                    foreach (string line in output.Split('\n'))
                    {
                        string taskName = line.Split(',').FirstOrDefault()?.Trim('"', ' ', '\r') ?? "";
                        if (!taskName.StartsWith("\\Outpost\\" + NamePrefix, StringComparison.OrdinalIgnoreCase)) continue;
                        var r = Describe(manager, scope, taskName.Substring("\\Outpost\\".Length));
                        if (r != null && found.All(f => f.DefinitionPath != r.DefinitionPath)) found.Add(r);
                    }
                    break;
                }
                string folder = Path.GetDirectoryName(DefinitionPath(manager, scope, "x"))!;
                if (!Directory.Exists(folder)) continue;
                string pattern = manager == "launchd" ? "org.outpost." + NamePrefix + "*.plist" : NamePrefix + "*.service";
                foreach (string file in Directory.GetFiles(folder, pattern))
                {
                    string name = manager == "launchd"
                        ? Path.GetFileNameWithoutExtension(file).Substring("org.outpost.".Length)
                        : Path.GetFileNameWithoutExtension(file);
                    var r = Describe(manager, scope, name);
                    if (r != null) found.Add(r);
                }
            }
            return found;
        }

        private static ResponderRegistration? Describe(string manager, ServiceScope scope, string name)
        {
            string path = DefinitionPath(manager, scope, name);
            var registration = new ResponderRegistration { Name = name, Manager = manager, Scope = scope, DefinitionPath = path };
            if (manager == "TaskScheduler")
            {
                var (exit, output) = Run("schtasks.exe", new[] { "/Query", "/TN", path, "/XML" }, tolerateFailure: true);
                if (exit != 0) return null;
                registration.Definition = output;
                var (_, status) = Run("schtasks.exe", new[] { "/Query", "/TN", path, "/FO", "CSV", "/NH" }, tolerateFailure: true);
                registration.State = status.Split(',').Skip(2).FirstOrDefault()?.Trim('"', ' ', '\r', '\n') ?? "unknown";
                return registration;
            }
            if (!File.Exists(path)) return null;
            registration.Definition = File.ReadAllText(path);
            if (manager == "systemd" && SystemdAvailable(scope))
                registration.State = Run("systemctl", UserFlag(scope).Concat(new[] { "is-active", name + ".service" }), tolerateFailure: true).Output.Trim();
            else if (manager == "launchd" && ExecutableSearch.Find("launchctl") != null)
                registration.State = Run("launchctl", new[] { "list", ServiceDefinitions.LaunchdLabel(new ServiceSpec { Name = name }) }, tolerateFailure: true).Exit == 0 ? "loaded" : "not loaded";
            return registration;
        }

        public static string DefinitionPath(string manager, ServiceScope scope, string name)
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            switch (manager)
            {
                case "TaskScheduler":
                    return "\\Outpost\\" + name;
                case "launchd":
                    string file = "org.outpost." + name + ".plist";
                    return scope == ServiceScope.AllUsers ? Path.Combine("/Library/LaunchDaemons", file) : Path.Combine(home, "Library", "LaunchAgents", file);
                default:
                    if (scope == ServiceScope.AllUsers) return Path.Combine("/etc/systemd/system", name + ".service");
                    string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
                    return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".config") : xdg!, "systemd", "user", name + ".service");
            }
        }

        /// <summary>Fails with the definition in the message when the host's service manager cannot be used.</summary>
        private static void RequireManager(ResponderRegistration plan)
        {
            string? missing = plan.Manager switch
            {
                "TaskScheduler" => ExecutableSearch.Find("schtasks") == null ? "schtasks.exe was not found" : null,
                "launchd" => ExecutableSearch.Find("launchctl") == null ? "launchctl was not found" : null,
                _ => ExecutableSearch.Find("systemctl") == null ? "systemctl was not found"
                    : !SystemdAvailable(plan.Scope) ? (plan.Scope == ServiceScope.CurrentUser
                        ? "systemd is not running a user manager for this session (systemctl --user cannot connect)"
                        : "systemd is not the running init system (/run/systemd/system is missing)")
                    : null,
            };
            if (missing == null) return;
            throw new OutpostException("ServiceManagerUnavailable", OutpostErrorKind.InvalidOperation,
                $"cannot register with {plan.Manager}: {missing}. Nothing was written. The definition it would have written to {plan.DefinitionPath} is:\n{plan.Definition}",
                plan);
        }

        private static bool SystemdAvailable(ServiceScope scope)
        {
            if (!Directory.Exists("/run/systemd/system")) return false;
            if (scope == ServiceScope.AllUsers) return true;
            return Run("systemctl", new[] { "--user", "show-environment" }, tolerateFailure: true).Exit == 0;
        }

        private static IEnumerable<string> UserFlag(ServiceScope scope) => scope == ServiceScope.CurrentUser ? new[] { "--user" } : Array.Empty<string>();

        private static (int Exit, string Output) Run(string program, IEnumerable<string> arguments, bool tolerateFailure = false)
        {
            string? path = ExecutableSearch.Find(program);
            if (path == null)
            {
                if (tolerateFailure) return (-1, "");
                throw new OutpostException("ServiceManagerUnavailable", OutpostErrorKind.InvalidOperation, $"{program} was not found", program);
            }
            var info = new ProcessStartInfo(path, CommandLine.Join(arguments))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
            };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 && !tolerateFailure)
                throw new OutpostException("ServiceManagerFailed", OutpostErrorKind.InvalidOperation,
                    $"{program} {string.Join(" ", arguments)} failed with exit {process.ExitCode}: {stderr.Trim()}", program);
            return (process.ExitCode, stdout.Result + (process.ExitCode != 0 ? stderr : ""));
        }
    }
}
