using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Outpost.Core.Dispatch;

namespace Outpost.Core.Hosting
{
    public enum ServiceScope { CurrentUser, AllUsers }

    public enum ServiceTrigger { Startup, LogOn }

    /// <summary>Which trigger a scope gets when none is asked for, and which combinations Windows can run.</summary>
    public static class ServiceTriggers
    {
        /// <summary>CurrentUser: at log on (the task runs in that logon session); AllUsers: at startup, as SYSTEM.</summary>
        public static ServiceTrigger DefaultFor(ServiceScope scope) =>
            scope == ServiceScope.AllUsers ? ServiceTrigger.Startup : ServiceTrigger.LogOn;

        /// <summary>
        /// Why a Task Scheduler task with this scope and trigger could never start, or null. An
        /// InteractiveToken task runs only inside its user's logon session, which does not exist at boot.
        /// </summary>
        // InteractiveToken: "User must already be logged on. The task will be run only in an existing interactive session." https://learn.microsoft.com/windows/win32/taskschd/taskschedulerschema-logontype-simpletype
        public static string? TaskSchedulerRefusal(ServiceScope scope, ServiceTrigger trigger) =>
            scope == ServiceScope.CurrentUser && trigger == ServiceTrigger.Startup
                ? "a CurrentUser task runs only inside your logon session, so a Startup trigger would never start it: " +
                  "use -Trigger LogOn (the default for CurrentUser), or -Scope AllUsers to run at startup as SYSTEM"
                : null;
    }

    /// <summary>What a service definition runs: a supervised responder, its command line and where it applies.</summary>
    public sealed class ServiceSpec
    {
        /// <summary>The service / task / agent name, e.g. outpost-build-vm.</summary>
        public string Name { get; set; } = "";
        public string Description { get; set; } = "";
        public string Program { get; set; } = "";
        public IList<string> Arguments { get; set; } = new List<string>();
        public string WorkingDirectory { get; set; } = "";
        /// <summary>The share: systemd waits for its mount (RequiresMountsFor).</summary>
        public string SharePath { get; set; } = "";
        public ServiceScope Scope { get; set; } = ServiceScope.CurrentUser;
        public ServiceTrigger Trigger { get; set; } = ServiceTrigger.LogOn;
        /// <summary>
        /// The account a Windows task runs as with CurrentUser scope: the user's SID on Windows (an Entra ID
        /// account has no DOMAIN\user name that Task Scheduler resolves), DOMAIN\user elsewhere.
        /// </summary>
        public string UserId { get; set; } = WindowsAccount.CurrentUserId();

        public static string SafeName(string text)
        {
            var name = new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '-').ToArray()).Trim('-');
            return name.Length == 0 ? "responder" : name.Length > 60 ? name.Substring(0, 60) : name;
        }
    }

    /// <summary>The three service managers' definitions of the same supervised responder.</summary>
    public static class ServiceDefinitions
    {
        /// <summary>A systemd unit: restart on failure, 0 and 75 count as success, waits for the share's mount.</summary>
        public static string SystemdUnit(ServiceSpec spec)
        {
            var unit = new StringBuilder();
            unit.Append("[Unit]\n");
            unit.Append("Description=").Append(OneLine(spec.Description)).Append('\n');
            unit.Append("RequiresMountsFor=").Append(SystemdQuote(spec.SharePath)).Append('\n');
            unit.Append("After=network-online.target\nWants=network-online.target\n\n");
            unit.Append("[Service]\nType=simple\n");
            unit.Append("ExecStart=").Append(string.Join(" ", new[] { spec.Program }.Concat(spec.Arguments).Select(SystemdQuote))).Append('\n');
            // WorkingDirectory= takes the rest of the line as one path (quotes would become part of it).
            if (spec.WorkingDirectory.Length > 0) unit.Append("WorkingDirectory=").Append(spec.WorkingDirectory.Replace("%", "%%")).Append('\n');
            unit.Append("Restart=on-failure\nRestartSec=5\nSuccessExitStatus=0 75\nKillSignal=SIGTERM\nTimeoutStopSec=120\n\n");
            unit.Append("[Install]\nWantedBy=").Append(spec.Scope == ServiceScope.AllUsers ? "multi-user.target" : "default.target").Append('\n');
            return unit.ToString();
        }

        /// <summary>
        /// systemd's own quoting for command lines and paths: double quotes with C escapes, and the
        /// specifier and variable characters doubled (% → %%, $ → $$).
        /// </summary>
        public static string SystemdQuote(string value)
        {
            string escaped = value.Replace("%", "%%").Replace("$", "$$");
            bool plain = escaped.Length > 0 && escaped.All(c => c > ' ' && c != '"' && c != '\'' && c != '\\' && c != ';' && c < 127);
            if (plain) return escaped;
            var text = new StringBuilder("\"");
            foreach (char c in escaped)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\t': text.Append("\\t"); break;
                    default: text.Append(c); break;
                }
            }
            return text.Append('"').ToString();
        }

        /// <summary>The most restarts Task Scheduler accepts; the supervisor inside handles ordinary crashes anyway.</summary>
        public const int MaxRestartCount = 255;

        private static readonly XNamespace TaskNs = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        /// <summary>
        /// A Task Scheduler task: at startup or log on, as the user or SYSTEM, restarted on failure, no
        /// execution time limit, started when available, never stopped on battery.
        /// </summary>
        public static string TaskSchedulerXml(ServiceSpec spec)
        {
            XElement E(string name, params object[] content) => new XElement(TaskNs + name, content);
            bool system = spec.Scope == ServiceScope.AllUsers;
            string? refusal = ServiceTriggers.TaskSchedulerRefusal(spec.Scope, spec.Trigger);
            if (refusal != null) throw new OutpostException("UnsupportedTrigger", OutpostErrorKind.InvalidArgument, refusal, spec);
            var trigger = spec.Trigger == ServiceTrigger.Startup
                ? E("BootTrigger", E("Enabled", "true"))
                : E("LogonTrigger", E("Enabled", "true"), system ? null! : E("UserId", spec.UserId));
            var principal = system
                ? E("Principal", new XAttribute("id", "Author"), E("UserId", "S-1-5-18"), E("RunLevel", "HighestAvailable"))
                : E("Principal", new XAttribute("id", "Author"), E("UserId", spec.UserId), E("LogonType", "InteractiveToken"), E("RunLevel", "LeastPrivilege"));
            var task = E("Task", new XAttribute("version", "1.2"),
                E("RegistrationInfo", E("Description", spec.Description), E("URI", "\\Outpost\\" + spec.Name)),
                E("Triggers", trigger),
                E("Principals", principal),
                E("Settings",
                    E("MultipleInstancesPolicy", "IgnoreNew"),
                    E("DisallowStartIfOnBatteries", "false"),
                    E("StopIfGoingOnBatteries", "false"),
                    E("AllowHardTerminate", "true"),
                    E("StartWhenAvailable", "true"),
                    E("RunOnlyIfNetworkAvailable", "false"),
                    E("AllowStartOnDemand", "true"),
                    E("Enabled", "true"),
                    E("Hidden", "false"),
                    E("ExecutionTimeLimit", "PT0S"),
                    E("Priority", "7"),
                    // Count is an unsignedByte of at least 1 (1-255), Interval PT1M-P31D: https://learn.microsoft.com/windows/win32/taskschd/taskschedulerschema-restarttype-complextype
                    E("RestartOnFailure", E("Interval", "PT1M"), E("Count", MaxRestartCount.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
                E("Actions", new XAttribute("Context", "Author"),
                    E("Exec",
                        E("Command", spec.Program),
                        E("Arguments", CommandLine.Join(spec.Arguments)),
                        spec.WorkingDirectory.Length > 0 ? E("WorkingDirectory", spec.WorkingDirectory) : null!)));
            return new XDeclaration("1.0", "UTF-16", null) + Environment.NewLine + task;
        }

        /// <summary>A launchd property list: run at load, kept alive unless it exits successfully.</summary>
        public static string LaunchdPlist(ServiceSpec spec)
        {
            var dict = new XElement("dict",
                new XElement("key", "Label"), new XElement("string", LaunchdLabel(spec)),
                new XElement("key", "ProgramArguments"),
                new XElement("array", new[] { spec.Program }.Concat(spec.Arguments).Select(a => new XElement("string", a))),
                spec.WorkingDirectory.Length > 0 ? new object[] { new XElement("key", "WorkingDirectory"), new XElement("string", spec.WorkingDirectory) } : null!,
                new XElement("key", "RunAtLoad"), new XElement("true"),
                new XElement("key", "KeepAlive"), new XElement("dict", new XElement("key", "SuccessfulExit"), new XElement("false")),
                new XElement("key", "ProcessType"), new XElement("string", "Background"),
                new XElement("key", "StandardErrorPath"), new XElement("string", "/tmp/" + spec.Name + ".err.log"));
            var doc = new XDocument(new XDocumentType("plist", "-//Apple//DTD PLIST 1.0//EN", "http://www.apple.com/DTDs/PropertyList-1.0.dtd", null),
                new XElement("plist", new XAttribute("version", "1.0"), dict));
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doc.ToString() + "\n";
        }

        public static string LaunchdLabel(ServiceSpec spec) => "org.outpost." + spec.Name;

        private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
    }
}
