using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Hosting;

namespace Outpost.Cli
{
    /// <summary><c>outpost service install|uninstall|list</c>: the supervised responder under the host's service manager.</summary>
    internal static class ServiceCommand
    {
        public const string Usage = "outpost service install --dir <share> [--lanes N] [--name <responder>] [--config <file>] [--service-name <name>] [--scope user|system] [--trigger logon|startup (default: logon for user, startup for system)] [--dry-run] | uninstall <name> [--scope] | list";

        public static Task<int> RunAsync(string[] argv)
        {
            if (argv.Length == 0) throw new UsageException("say install, uninstall or list");
            var args = Arguments.Parse(argv.Skip(1).ToList(),
                new HashSet<string> { "dir", "target", "targets", "lanes", "name", "config", "poll", "service-name", "scope", "trigger" },
                new HashSet<string> { "dry-run" });
            var scope = args.Get("scope", "user") switch
            {
                "user" => ServiceScope.CurrentUser,
                "system" => ServiceScope.AllUsers,
                var other => throw new UsageException($"--scope is user or system, not \"{other}\""),
            };
            switch (argv[0])
            {
                case "install":
                    var responder = new ServicedResponder
                    {
                        SharePath = System.IO.Path.GetFullPath(Program.ShareFrom(args)),
                        LaneCount = args.Int("lanes", 0),
                        Name = args.Get("name"),
                        ConfigPath = args.Get("config") is string c ? System.IO.Path.GetFullPath(c) : null,
                        ServiceName = args.Get("service-name") ?? args.Get("target"),
                        PollIntervalSeconds = args.Has("poll") ? args.Duration("poll", TimeSpan.Zero).TotalSeconds : (double?)null,
                    };
                    responder.ConfigPath ??= ServicedResponder.ConventionalConfig(responder.SharePath);
                    var trigger = args.Get("trigger") switch
                    {
                        null => ServiceTriggers.DefaultFor(scope),
                        "startup" => ServiceTrigger.Startup,
                        "logon" => ServiceTrigger.LogOn,
                        var other => throw new UsageException($"--trigger is startup or logon, not \"{other}\""),
                    };
                    string host = Environment.ProcessPath ?? "outpost";
                    var leading = System.IO.Path.GetFileNameWithoutExtension(host) == "dotnet"
                        ? new List<string> { typeof(Program).Assembly.Location }
                        : new List<string>();
                    var spec = ResponderServiceSpecs.ForCli(host, leading, responder, scope, trigger);
                    if (args.Flag("dry-run"))
                    {
                        var plan = ServiceRegistrar.Plan(spec);
                        Console.WriteLine($"# {plan.Manager}: {plan.DefinitionPath}");
                        Console.Write(plan.Definition);
                        return Task.FromResult(0);
                    }
                    var registered = ServiceRegistrar.Register(spec);
                    Console.WriteLine($"registered {registered.Name} with {registered.Manager}: {registered.DefinitionPath} ({registered.State})");
                    return Task.FromResult(0);
                case "uninstall":
                    if (args.Positional.Count != 1) throw new UsageException("say which service: outpost service uninstall <name>");
                    string name = args.Positional[0].StartsWith(ServiceRegistrar.NamePrefix) ? args.Positional[0] : ServiceRegistrar.NamePrefix + args.Positional[0];
                    if (!ServiceRegistrar.Unregister(name, scope)) throw new Outpost.Core.OutpostException("RegistrationNotFound", Outpost.Core.OutpostErrorKind.NotFound, $"no registered responder named {name}", name);
                    Console.WriteLine("unregistered " + name);
                    return Task.FromResult(0);
                case "list":
                    foreach (var r in ServiceRegistrar.List()) Console.WriteLine($"{r.Name}\t{r.Manager}\t{r.Scope}\t{r.State}\t{r.DefinitionPath}");
                    return Task.FromResult(0);
                default:
                    throw new UsageException($"unknown service command \"{argv[0]}\"");
            }
        }
    }
}
