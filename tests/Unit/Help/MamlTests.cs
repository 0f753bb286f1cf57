using System.Xml;
using System.Xml.Linq;
using Outpost.Tests.Cmdlets;

namespace Outpost.Tests.Help
{
    /// <summary>
    /// The MAML that the build writes into the module (en-US/&lt;assembly&gt;-Help.xml, what Get-Help reads),
    /// read with an XML reader and checked against the cmdlets in the assembly.
    /// </summary>
    public class MamlTests : IClassFixture<ModuleMetadata>
    {
        private static readonly XNamespace Msh = "http://msh";
        private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
        private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

        private readonly ModuleMetadata _module;
        private readonly IReadOnlyList<CmdletContract> _cmdlets;

        public MamlTests(ModuleMetadata module)
        {
            _module = module;
            _cmdlets = HelpDocs.Contracts(module);
        }

        [Fact]
        public void The_help_file_is_well_formed_MAML()
        {
            var document = Load();
            Assert.True(document.Root!.Name == Msh + "helpItems", $"the root element is {document.Root.Name}, not helpItems in the http://msh namespace");
            Assert.Equal("maml", (string?)document.Root.Attribute("schema"));
            Assert.NotEmpty(document.Root.Elements(Command + "command"));
        }

        [Fact]
        public void Every_cmdlet_has_a_command_entry_with_synopsis_description_syntax_parameters_and_two_examples()
        {
            var commands = Commands(Load());
            var problems = new List<string>();
            foreach (var code in _cmdlets)
            {
                if (!commands.TryGetValue(code.Name, out var command))
                {
                    problems.Add($"{code.Name}: no command:command entry in {HelpDocs.Relative(HelpDocs.MamlPath(_module))}");
                    continue;
                }
                var details = command.Element(Command + "details");
                string[] parts = code.Name.Split('-', 2);
                if ((string?)details?.Element(Command + "verb") != parts[0] || (string?)details?.Element(Command + "noun") != parts[1])
                    problems.Add($"{code.Name}: command:details has no verb {parts[0]} and noun {parts[1]}");
                if (Text(details?.Element(Maml + "description")).Length == 0)
                    problems.Add($"{code.Name}: no synopsis (command:details/maml:description/maml:para)");
                if (Text(command.Element(Maml + "description")).Length == 0)
                    problems.Add($"{code.Name}: no description (maml:description/maml:para)");
                if (command.Element(Command + "inputTypes")?.Elements(Command + "inputType").Any() != true)
                    problems.Add($"{code.Name}: no command:inputTypes/command:inputType");
                if (command.Element(Command + "returnValues")?.Elements(Command + "returnValue").Any() != true)
                    problems.Add($"{code.Name}: no command:returnValues/command:returnValue");
                if (command.Element(Maml + "alertSet") == null) problems.Add($"{code.Name}: no maml:alertSet (notes)");
                if (command.Element(Command + "relatedLinks") == null) problems.Add($"{code.Name}: no command:relatedLinks");
                CheckExamples(code, command, problems);
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_parameter_set_has_a_syntax_item_whose_parameters_match_the_code()
        {
            var commands = Commands(Load());
            var problems = new List<string>();
            foreach (var code in _cmdlets)
            {
                if (!commands.TryGetValue(code.Name, out var command)) continue; // reported by the test above
                var items = command.Element(Command + "syntax")?.Elements(Command + "syntaxItem").ToList() ?? new List<XElement>();
                if (items.Count != code.Sets.Count)
                    problems.Add($"{code.Name}: {items.Count} command:syntaxItem(s) for {code.Sets.Count} parameter set(s) ({string.Join(", ", code.Sets)})");
                foreach (var item in items.Where(i => (string?)i.Element(Maml + "name") != code.Name))
                    problems.Add($"{code.Name}: a command:syntaxItem is named \"{(string?)item.Element(Maml + "name")}\"");
                foreach (string set in code.Sets)
                {
                    var expected = HelpContract.ExpectedParameters(code)
                        .Where(n => HelpContract.ShouldProcessParameters.ContainsKey(n) || code.In(code.Parameters.First(p => p.Name == n), set) != null)
                        .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
                    var item = items.FirstOrDefault(i => NamesOf(i).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                        .SequenceEqual(expected, StringComparer.OrdinalIgnoreCase));
                    if (item == null)
                    {
                        problems.Add($"{code.Name}: no command:syntaxItem holds exactly the parameters of set {set}: {string.Join(", ", expected.Select(n => "-" + n))}");
                        continue;
                    }
                    foreach (var element in item.Elements(Command + "parameter"))
                    {
                        string name = (string?)element.Element(Maml + "name") ?? "";
                        var parameter = code.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                        var facts = parameter == null ? new CodeParameterSet(false, null, false, false) : code.In(parameter, set)!;
                        CheckAttributes(code, name, set, element, facts, problems);
                    }
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_parameter_has_a_described_and_typed_entry()
        {
            var commands = Commands(Load());
            var problems = new List<string>();
            foreach (var code in _cmdlets)
            {
                if (!commands.TryGetValue(code.Name, out var command)) continue;
                var entries = command.Element(Command + "parameters")?.Elements(Command + "parameter").ToList() ?? new List<XElement>();
                var expected = HelpContract.ExpectedParameters(code).ToList();
                var names = entries.Select(e => (string?)e.Element(Maml + "name") ?? "").ToList();
                foreach (string name in expected.Where(n => !names.Contains(n, StringComparer.OrdinalIgnoreCase)))
                    problems.Add($"{code.Name} -{name}: no command:parameters/command:parameter entry");
                foreach (string name in names.Where(n => !expected.Contains(n, StringComparer.OrdinalIgnoreCase)))
                    problems.Add($"{code.Name} -{name}: a command:parameter entry for a parameter the cmdlet does not have");
                foreach (var entry in entries)
                {
                    string name = (string?)entry.Element(Maml + "name") ?? "";
                    if (Text(ParameterDescription(entry)).Length == 0) problems.Add($"{code.Name} -{name}: the parameter entry has no description");
                    if (((string?)entry.Element(Dev + "type")?.Element(Maml + "name") ?? "").Length == 0)
                        problems.Add($"{code.Name} -{name}: the parameter entry has no dev:type/maml:name");
                    if (entry.Element(Command + "parameterValue") == null) problems.Add($"{code.Name} -{name}: the parameter entry has no command:parameterValue");
                    if (entry.Element(Dev + "defaultValue") == null) problems.Add($"{code.Name} -{name}: the parameter entry has no dev:defaultValue");
                    foreach (string attribute in new[] { "required", "globbing", "pipelineInput", "position", "aliases" })
                        if (entry.Attribute(attribute) == null) problems.Add($"{code.Name} -{name}: the parameter entry has no {attribute} attribute");
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_command_entry_documents_a_cmdlet_that_exists()
        {
            var stale = Commands(Load()).Keys.Where(n => !_cmdlets.Any(c => c.Name == n))
                .Select(n => $"{HelpDocs.Relative(HelpDocs.MamlPath(_module))} documents {n}, which the module does not have").ToList();
            Assert.True(stale.Count == 0, string.Join("\n", stale));
        }

        [Fact]
        public void The_about_topic_is_built_as_text()
        {
            string name = "about_" + Path.GetFileName(_module.ModuleFolder.TrimEnd('/', '\\'));
            string path = Path.Combine(_module.ModuleFolder, "en-US", name + ".help.txt");
            Assert.True(File.Exists(path), $"{path} is missing: the build converts docs/help/{name}.md into it");
            string[] lines = File.ReadAllLines(path);
            Assert.True(lines.Length > 10 && lines[0].TrimStart('\uFEFF') == "TOPIC" && lines[1].Trim() == name,
                $"{path} does not start with \"TOPIC\" and \"    {name}\"");
            Assert.Contains(lines, l => l == "SHORT DESCRIPTION");
            Assert.Contains(lines, l => l == "LONG DESCRIPTION");
        }

        private void CheckExamples(CmdletContract code, XElement command, List<string> problems)
        {
            var examples = command.Element(Command + "examples")?.Elements(Command + "example").ToList() ?? new List<XElement>();
            if (examples.Count < 2) problems.Add($"{code.Name}: {examples.Count} command:example(s), expected at least two");
            for (int i = 0; i < examples.Count; i++)
            {
                var example = examples[i];
                if (((string?)example.Element(Maml + "title") ?? "").Trim().Length == 0) problems.Add($"{code.Name}: example {i + 1} has no maml:title");
                if (((string?)example.Element(Dev + "code") ?? "").Trim().Length == 0) problems.Add($"{code.Name}: example {i + 1} has no dev:code");
                if (example.Element(Dev + "remarks") == null) problems.Add($"{code.Name}: example {i + 1} has no dev:remarks");
            }
        }

        private static void CheckAttributes(CmdletContract code, string name, string set, XElement element, CodeParameterSet facts, List<string> problems)
        {
            string where = $"{code.Name} -{name} (syntax item of set {set})";
            string required = (string?)element.Attribute("required") ?? "";
            if (!required.Equals(facts.Mandatory ? "true" : "false", StringComparison.OrdinalIgnoreCase))
                problems.Add($"{where}: required=\"{required}\", the code says {(facts.Mandatory ? "true" : "false")}");
            string position = (string?)element.Attribute("position") ?? "";
            string expectedPosition = facts.Position?.ToString() ?? "named";
            if (!position.Equals(expectedPosition, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{where}: position=\"{position}\", the code says {expectedPosition}");
            string pipeline = (string?)element.Attribute("pipelineInput") ?? "";
            if (HelpContract.Pipeline(pipeline) != (facts.ByValue, facts.ByPropertyName))
                problems.Add($"{where}: pipelineInput=\"{pipeline}\", the code says {HelpContract.Pipeline(facts.ByValue, facts.ByPropertyName)}");
        }

        private XDocument Load()
        {
            string path = HelpDocs.MamlPath(_module);
            Assert.True(File.Exists(path), $"{path} is missing: dotnet build writes it (Outpost.PowerShell.csproj runs tools/Outpost.HelpBuilder over docs/help after assembling the module)");
            try
            {
                return XDocument.Load(path, LoadOptions.SetLineInfo);
            }
            catch (XmlException e)
            {
                Assert.Fail($"{path}:{e.LineNumber}: not well-formed XML: {e.Message}");
                throw;
            }
        }

        /// <summary>The command:command entries by their command:details/command:name.</summary>
        private static Dictionary<string, XElement> Commands(XDocument document)
        {
            var result = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (var command in document.Root!.Elements(Command + "command"))
            {
                string name = (string?)command.Element(Command + "details")?.Element(Command + "name") ?? "";
                Assert.False(result.ContainsKey(name), $"two command:command entries for {name}");
                result[name] = command;
            }
            return result;
        }

        private static IEnumerable<string> NamesOf(XElement syntaxItem) =>
            syntaxItem.Elements(Command + "parameter").Select(p => (string?)p.Element(Maml + "name") ?? "");

        /// <summary>A parameter's description: platyPS has written it as maml:description and as maml:Description; Get-Help reads both.</summary>
        private static XElement? ParameterDescription(XElement parameter) =>
            parameter.Element(Maml + "description") ?? parameter.Element(Maml + "Description");

        private static string Text(XElement? element) =>
            element == null ? "" : string.Join(" ", element.Elements(Maml + "para").Select(p => p.Value.Trim())).Trim();
    }
}
