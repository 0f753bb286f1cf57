using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cmdlets
{
    /// <summary>
    /// The built module (out/Outpost) imported into a real PowerShell 7 runspace in this process
    /// (Microsoft.PowerShell.SDK): the cmdlets bind, pipe, prompt, fail and format as they do for a user.
    /// The module's netstandard2.0 assemblies load here as they do in pwsh.
    /// </summary>
    public sealed class ModuleRunspace : IDisposable
    {
        public ModuleRunspace()
        {
            string manifest = Path.Combine(SharedMaterial.RepoRoot, "out", "Outpost", "Outpost.psd1");
            if (!File.Exists(manifest)) throw new FileNotFoundException("build the module first (dotnet build)", manifest);
            // CreateDefault (not CreateDefault2): the built-in cmdlets such as Out-String come from their
            // assemblies, since the SDK has no $PSHOME/Modules to auto-load them from.
            var state = InitialSessionState.CreateDefault();
            if (OperatingSystem.IsWindows()) state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
            state.ImportPSModule(manifest);
            state.ThrowOnRunspaceOpenError = true;
            Runspace = RunspaceFactory.CreateRunspace(state);
            Runspace.Open();
        }

        public Runspace Runspace { get; }

        /// <summary>Runs a script with the given variables set; non-terminating errors land in Errors.</summary>
        public Outcome Run(string script, params (string Name, object? Value)[] variables)
        {
            using var shell = PowerShell.Create();
            shell.Runspace = Runspace;
            foreach (var (name, value) in variables) Runspace.SessionStateProxy.SetVariable(name, value);
            shell.AddScript(script);
            var output = shell.Invoke();
            return new Outcome(output, shell.Streams.Error.ToList(), shell.Streams.Warning.Select(w => w.Message).ToList());
        }

        /// <summary>Runs a script that must stop with a terminating error, and returns that error.</summary>
        public ErrorRecord Throws(string script, params (string Name, object? Value)[] variables)
        {
            var e = Assert.ThrowsAny<RuntimeException>(() => Run(script, variables));
            return e.ErrorRecord;
        }

        public void Dispose() => Runspace.Dispose();

        public sealed record Outcome(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Warnings)
        {
            public IEnumerable<string> Strings => Output.Select(o => o.BaseObject?.ToString() ?? "");
        }
    }
}
