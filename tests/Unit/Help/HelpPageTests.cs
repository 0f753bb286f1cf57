using Outpost.Tests.Cmdlets;

namespace Outpost.Tests.Help
{
    /// <summary>
    /// The markdown help in docs/help against the built cmdlets: a page per cmdlet, a SYNTAX subsection per
    /// parameter set, a section per parameter whose facts match the code, and the examples and front
    /// matter platyPS needs. Every failure names the page, line, cmdlet and parameter.
    /// </summary>
    public class HelpPageTests : IClassFixture<ModuleMetadata>
    {
        private static readonly string[] Sections =
            { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };

        private readonly ModuleMetadata _module;
        private readonly IReadOnlyList<CmdletContract> _cmdlets;

        public HelpPageTests(ModuleMetadata module)
        {
            _module = module;
            _cmdlets = HelpDocs.Contracts(module);
        }

        [Fact]
        public void Every_cmdlet_has_a_help_page()
        {
            var missing = _cmdlets.Where(c => !File.Exists(HelpDocs.PagePath(c.Name)))
                .Select(c => $"{c.Name} has no help page: write {HelpDocs.Relative(HelpDocs.PagePath(c.Name))} (platyPS layout)").ToList();
            Assert.True(missing.Count == 0, string.Join("\n", missing));
        }

        [Fact]
        public void Every_command_page_documents_a_cmdlet_that_exists()
        {
            var stale = HelpDocs.CommandPageNames()
                .Where(n => !_cmdlets.Any(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
                .Select(n => $"{HelpDocs.Relative(HelpDocs.PagePath(n))} documents {n}, which the module does not have (removed or renamed?)").ToList();
            Assert.True(stale.Count == 0, string.Join("\n", stale));
        }

        [Fact]
        public void Every_parameter_set_has_a_syntax_subsection_showing_its_parameters()
        {
            var problems = Pages().SelectMany(p => HelpContract.CheckSyntax(p.Page, p.Code)).ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_parameter_is_documented_with_the_facts_of_its_attributes()
        {
            var problems = Pages().SelectMany(p => HelpContract.CheckParameters(p.Page, p.Code)).ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_page_has_at_least_two_examples_with_code()
        {
            var problems = new List<string>();
            foreach (var (page, code) in Pages())
            {
                var examples = page.Examples();
                if (examples.Count < 2)
                    problems.Add($"{page.Where(page.SectionHeading("EXAMPLES")?.Line ?? 1)}: {code.Name} has {examples.Count} example(s); write at least two");
                foreach (var (heading, blocks) in examples.Where(e => e.Code.Count == 0))
                    problems.Add($"{page.Where(heading.Line)}: {code.Name} example \"{heading.Text}\" has no ```powershell block");
                foreach (var (heading, _) in examples.Where(e => !e.Heading.Text.StartsWith("Example ", StringComparison.Ordinal)))
                    problems.Add($"{page.Where(heading.Line)}: {code.Name} example heading \"{heading.Text}\" should read \"Example N: what it shows\"");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void Every_page_has_the_front_matter_and_sections_platyPS_needs()
        {
            string helpFile = Path.GetFileName(_module.Assembly.Location) + "-Help.xml";
            string moduleName = Path.GetFileName(_module.ModuleFolder.TrimEnd('/', '\\'));
            var problems = new List<string>();
            foreach (var (page, code) in Pages())
            {
                string where = page.Where(1);
                if (!page.HasFrontMatter) problems.Add($"{where}: {code.Name}: no front matter (--- ... ---)");
                void Expect(string key, string? value)
                {
                    if (!page.FrontMatter.TryGetValue(key, out string? actual))
                        problems.Add($"{where}: {code.Name}: front matter has no \"{key}:\"");
                    else if (value != null && actual != value)
                        problems.Add($"{where}: {code.Name}: front matter says \"{key}: {actual}\", expected \"{key}: {value}\"");
                }
                Expect("external help file", helpFile);
                Expect("Module Name", moduleName);
                Expect("online version", null);
                Expect("schema", "2.0.0");
                if (page.Title != code.Name) problems.Add($"{where}: the page's title is \"# {page.Title}\", expected \"# {code.Name}\"");
                foreach (string section in Sections.Where(s => page.SectionHeading(s) == null))
                    problems.Add($"{where}: {code.Name}: no \"## {section}\" section");
                if (page.Section("SYNOPSIS").Count == 0) problems.Add($"{where}: {code.Name}: the SYNOPSIS is empty");
                if (page.Section("DESCRIPTION").Count == 0) problems.Add($"{where}: {code.Name}: the DESCRIPTION is empty");
                if (!page.Subsections("PARAMETERS").Any(s => s.Heading.Text == "CommonParameters"))
                    problems.Add($"{where}: {code.Name}: PARAMETERS has no \"### CommonParameters\" section");
                if (page.Subsections("OUTPUTS").Count == 0) problems.Add($"{where}: {code.Name}: OUTPUTS lists no type (write \"### None\" when there is none)");
            }
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        [Fact]
        public void The_about_topic_explains_the_module()
        {
            string name = "about_" + Path.GetFileName(_module.ModuleFolder.TrimEnd('/', '\\'));
            string path = Path.Combine(HelpDocs.Folder, name + ".md");
            Assert.True(File.Exists(path), $"{HelpDocs.Relative(path)} is missing: the module's about topic");
            var page = HelpPage.Load(path);
            var headings = page.Nodes.OfType<HelpPage.HeadingNode>().ToList();
            Assert.True(headings.Count > 2 && headings[1].Level == 2 && headings[1].Text == name,
                $"{HelpDocs.Relative(path)}: the second heading must be \"## {name}\" (the name Get-Help looks up)");
            foreach (string section in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION" })
                Assert.True(headings.Any(h => h.Level == 1 && h.Text == section), $"{HelpDocs.Relative(path)}: no \"# {section}\"");
        }

        // The checker itself: it must catch what it is there to catch.

        [Fact]
        public void The_checker_reports_a_documented_parameter_that_does_not_exist()
        {
            var (name, text, code) = AnyPage();
            string bogus = "NoSuchParameterAtAll";
            string section = $"### -{bogus}\nA parameter the cmdlet does not have.\n\n```yaml\nType: String\nParameter Sets: (All)\nAliases:\n\nRequired: False\nPosition: Named\nDefault value: None\nAccept pipeline input: False\nAccept wildcard characters: False\n```\n\n";
            string mutated = text.Replace("### CommonParameters", section + "### CommonParameters");
            var problems = HelpContract.Check(HelpDocs.Parse(name, mutated), code);
            Assert.Contains(problems, p => p.Contains($"{code.Name} -{bogus}") && p.Contains("no such parameter"));
        }

        [Fact]
        public void The_checker_reports_a_parameter_without_a_section()
        {
            var (name, text, code) = AnyPage();
            var page = HelpDocs.Parse(name, text);
            var victim = page.Parameters().First(d => code.Parameters.Any(p => p.Name == d.Name));
            var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
            int end = lines.FindIndex(victim.Line, l => l.StartsWith("### ", StringComparison.Ordinal));
            lines.RemoveRange(victim.Line - 1, end - (victim.Line - 1));
            var problems = HelpContract.Check(HelpDocs.Parse(name, string.Join("\n", lines)), code);
            Assert.Contains(problems, p => p.Contains($"{code.Name} -{victim.Name} is not documented"));
        }

        [Fact]
        public void The_checker_reports_a_wrong_position_required_pipeline_type_or_alias()
        {
            var (name, text, code) = AnyPage();
            var victim = HelpDocs.Parse(name, text).Parameters().First(d => code.Parameters.Any(p => p.Name == d.Name));
            var mutations = new (string Key, Func<string, string> Wrong)[]
            {
                ("Position", line => line.EndsWith(" 42") ? "Position: 43" : "Position: 42"),
                ("Required", line => line.Contains("True") ? "Required: False" : "Required: True"),
                ("Accept pipeline input", line => line.Contains("ByValue") ? "Accept pipeline input: False" : "Accept pipeline input: True (ByValue)"),
                ("Type", line => "Type: Guid"),
                ("Aliases", line => "Aliases: NotAnAlias"),
            };
            foreach (var (key, wrong) in mutations)
            {
                var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
                int at = lines.FindIndex(victim.Yaml[0].Line, l => l.StartsWith(key + ":", StringComparison.Ordinal));
                lines[at] = wrong(lines[at]);
                var problems = HelpContract.Check(HelpDocs.Parse(name, string.Join("\n", lines)), code);
                Assert.Contains(problems, p => p.Contains($"{code.Name} -{victim.Name}: {key}"));
            }
        }

        [Fact]
        public void The_checker_reports_a_missing_syntax_subsection()
        {
            var (name, text, code) = AnyPage();
            var entry = HelpDocs.Parse(name, text).Syntax()[0];
            var lines = text.Replace("\r\n", "\n").Split('\n').ToList();
            lines[entry.Line - 1] = "### NotASet";
            var problems = HelpContract.Check(HelpDocs.Parse(name, string.Join("\n", lines)), code);
            Assert.Contains(problems, p => p.Contains($"{code.Name}: SYNTAX has no \"### {entry.SetName}\""));
            Assert.Contains(problems, p => p.Contains("\"NotASet\""));
        }

        private IEnumerable<(HelpPage Page, CmdletContract Code)> Pages() =>
            _cmdlets.Select(c => (Page: HelpDocs.Load(c.Name), Code: c)).Where(p => p.Page != null).Select(p => (p.Page!, p.Code));

        /// <summary>A real page that passes the checks, to break on purpose; skips when there is none yet.</summary>
        private (string Name, string Text, CmdletContract Code) AnyPage()
        {
            foreach (var code in _cmdlets)
            {
                var page = HelpDocs.Load(code.Name);
                if (page == null || HelpContract.Check(page, code).Count > 0 || !page.Parameters().Any(d => code.Parameters.Any(p => p.Name == d.Name))) continue;
                return (code.Name, File.ReadAllText(HelpDocs.PagePath(code.Name)), code);
            }
            Assert.Skip("no help page passes the checks yet, so there is nothing to break on purpose");
            return default;
        }
    }
}
