using System.IO;
using System.Linq;
using System.Reflection;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cmdlets
{
    /// <summary>
    /// The built module read as metadata (System.Reflection.MetadataLoadContext): no PowerShell runtime
    /// is loaded, so the binding contract is checked on any machine with the .NET SDK.
    /// </summary>
    public sealed class ModuleMetadata : IDisposable
    {
        public ModuleMetadata()
        {
            ModuleFolder = Path.Combine(SharedMaterial.RepoRoot, "out", "Outpost");
            string cmdlets = Path.Combine(ModuleFolder, "Outpost.PowerShell.dll");
            if (!File.Exists(cmdlets)) throw new FileNotFoundException("build the module first (dotnet build)", cmdlets);
            string psStandard = typeof(ModuleMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .First(a => a.Key == "PowerShellStandardPath").Value!;
            string sma = Path.Combine(psStandard, "lib", "netstandard2.0", "System.Management.Automation.dll");
            var paths = Directory.GetFiles(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
                .Where(p => !Path.GetFileName(p).StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase))
                .Concat(new[] { sma, cmdlets, Path.Combine(ModuleFolder, "Outpost.Core.dll") });
            Context = new MetadataLoadContext(new PathAssemblyResolver(paths));
            Assembly = Context.LoadFromAssemblyPath(cmdlets);
            Automation = Context.LoadFromAssemblyPath(sma);
            CmdletAttribute = Automation.GetType("System.Management.Automation.CmdletAttribute")!;
            Cmdlets = Assembly.GetTypes().Where(t => !t.IsAbstract && Attribute(t, CmdletAttribute) != null).ToList();
        }

        public string ModuleFolder { get; }
        public MetadataLoadContext Context { get; }
        public Assembly Assembly { get; }
        public Assembly Automation { get; }
        public Type CmdletAttribute { get; }
        public IReadOnlyList<Type> Cmdlets { get; }

        public static CustomAttributeData? Attribute(MemberInfo member, Type attributeType) =>
            member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == attributeType);

        public static IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string fullName) =>
            member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == fullName);

        public static object? Named(CustomAttributeData data, string name) =>
            data.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

        public string NameOf(Type cmdlet)
        {
            var data = Attribute(cmdlet, CmdletAttribute)!;
            return data.ConstructorArguments[0].Value + "-" + data.ConstructorArguments[1].Value;
        }

        public void Dispose() => Context.Dispose();
    }
}
