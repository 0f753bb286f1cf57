using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cmdlets
{
    /// <summary>The cmdlet layer's contract, read from the built assembly's metadata.</summary>
    public class BindingContractTests : IClassFixture<ModuleMetadata>
    {
        private const string ParameterAttribute = "System.Management.Automation.ParameterAttribute";
        private const string OutputTypeAttribute = "System.Management.Automation.OutputTypeAttribute";
        private const string AliasAttribute = "System.Management.Automation.AliasAttribute";

        /// <summary>Inputs from outside the module that a parameter may bind by property name.</summary>
        private static readonly string[] ExternalInputTypes = { "System.IO.FileInfo" };

        /// <summary>Verbs whose cmdlets only read; every other cmdlet changes state and needs ShouldProcess.</summary>
        // Enter opens a prompt (as Enter-PSSession does); what changes state is the commands typed at it.
        private static readonly string[] ReadOnlyVerbs = { "Get", "Wait", "Receive", "Test", "Find", "Invoke", "Enter" };

        private readonly ModuleMetadata _module;

        public BindingContractTests(ModuleMetadata module) => _module = module;

        [Fact]
        public void The_module_has_cmdlets() => Assert.True(_module.Cmdlets.Count >= 12);

        [Fact]
        public void Every_cmdlet_uses_an_approved_verb()
        {
            // The approved verbs are the constants of PowerShell's Verbs* classes (what Get-Verb lists).
            var approved = _module.Automation.GetTypes()
                .Where(t => t.Namespace == "System.Management.Automation" && t.Name.StartsWith("Verbs"))
                .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
                .Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
            Assert.Contains("Submit", approved);
            foreach (var cmdlet in _module.Cmdlets)
                Assert.Contains(_module.NameOf(cmdlet).Split('-')[0], approved);
        }

        [Fact]
        public void Every_cmdlet_declares_its_output_type()
        {
            foreach (var cmdlet in _module.Cmdlets)
                Assert.True(ModuleMetadata.Attributes(cmdlet, OutputTypeAttribute).Any(), _module.NameOf(cmdlet) + " has no [OutputType]");
        }

        [Fact]
        public void Every_cmdlet_that_changes_state_supports_ShouldProcess()
        {
            foreach (var cmdlet in _module.Cmdlets)
            {
                string name = _module.NameOf(cmdlet);
                if (ReadOnlyVerbs.Contains(name.Split('-')[0])) continue;
                var data = ModuleMetadata.Attribute(cmdlet, _module.CmdletAttribute)!;
                Assert.True(ModuleMetadata.Named(data, "SupportsShouldProcess") is true, name + " changes state but does not support -WhatIf/-Confirm");
            }
        }

        [Fact]
        public void Every_cmdlet_is_in_its_own_VerbNounCommand_file()
        {
            string folder = Path.Combine(SharedMaterial.RepoRoot, "src", "Outpost.PowerShell", "Commands");
            foreach (var cmdlet in _module.Cmdlets)
            {
                string expected = _module.NameOf(cmdlet).Replace("-", "") + "Command";
                Assert.Equal(expected, cmdlet.Name);
                string file = Path.Combine(folder, expected + ".cs");
                Assert.True(File.Exists(file), "missing " + file);
                Assert.Single(Regex.Matches(File.ReadAllText(file), @"\[Cmdlet\("));
            }
        }

        [Fact]
        public void Pipeline_by_property_name_parameters_match_a_property_of_an_emitted_type()
        {
            var emitted = _module.Cmdlets
                .SelectMany(c => ModuleMetadata.Attributes(c, OutputTypeAttribute))
                .SelectMany(a => a.ConstructorArguments)
                .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : new[] { arg.Value })
                .OfType<Type>()
                .Concat(ExternalInputTypes.Select(n => _module.Context.CoreAssembly!.GetType(n) ?? _module.Context.LoadFromAssemblyName("System.Runtime").GetType(n)).OfType<Type>())
                .Distinct().ToList();
            foreach (var cmdlet in _module.Cmdlets)
            {
                foreach (var property in cmdlet.GetProperties())
                {
                    var parameters = ModuleMetadata.Attributes(property, ParameterAttribute).ToList();
                    if (!parameters.Any(p => ModuleMetadata.Named(p, "ValueFromPipelineByPropertyName") is true)) continue;
                    var names = new List<string> { property.Name };
                    foreach (var alias in ModuleMetadata.Attributes(property, AliasAttribute))
                        names.AddRange(((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(a => (string)a.Value!));
                    bool matched = emitted.Any(type => type.GetProperties().Any(p => names.Contains(p.Name) && Assignable(p.PropertyType, property.PropertyType)));
                    Assert.True(matched, $"{_module.NameOf(cmdlet)} -{property.Name} binds by property name, but no emitted type has a property {string.Join("/", names)} of a fitting type");
                }
            }
        }

        [Fact]
        public void The_manifest_exports_exactly_the_cmdlets_that_exist()
        {
            string manifest = File.ReadAllText(Path.Combine(SharedMaterial.RepoRoot, "module", "Outpost.psd1"));
            var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
            var exported = Regex.Matches(block, @"'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n).ToList();
            var actual = _module.Cmdlets.Select(_module.NameOf).OrderBy(n => n).ToList();
            Assert.Equal(actual, exported);
            Assert.DoesNotContain("*", manifest.Substring(manifest.IndexOf("CmdletsToExport")).Split(')')[0]);
        }

        [Fact]
        public void The_assembled_module_folder_holds_what_the_manifest_names()
        {
            foreach (string file in new[] { "Outpost.psd1", "Outpost.format.ps1xml", "Outpost.PowerShell.dll", "Outpost.Core.dll" })
                Assert.True(File.Exists(Path.Combine(_module.ModuleFolder, file)), file + " is missing from out/Outpost");
            var xml = System.Xml.Linq.XDocument.Load(Path.Combine(_module.ModuleFolder, "Outpost.format.ps1xml"));
            var viewed = xml.Descendants("TypeName").Select(t => t.Value).ToList();
            foreach (string type in new[] { "OutpostJob", "OutpostResult", "OutpostTargetStatus", "OutpostLaneStatus", "ResponderEvent" })
                Assert.Contains(viewed, v => v.EndsWith("." + type));
        }

        /// <summary>A property value binds to the parameter: same type, element of an array parameter, or anything to string.</summary>
        private static bool Assignable(Type from, Type to)
        {
            if (to.FullName == from.FullName) return true;
            if (to.IsArray && to.GetElementType()!.FullName == from.FullName) return true;
            if (to.FullName == "System.String" || to.FullName == "System.String[]") return true;
            if (Nullable(from) == Nullable(to)) return true;
            return false;
        }

        private static string? Nullable(Type t) =>
            t.IsGenericType && t.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? t.GetGenericArguments()[0].FullName : t.FullName;
    }
}
