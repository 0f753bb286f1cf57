using System.Text.RegularExpressions;

namespace Outpost.Tests.Help
{
    /// <summary>
    /// Compares a cmdlet's help page with the cmdlet's code and lists every disagreement as
    /// "page:line: Cmdlet -Parameter: what is wrong". An empty list means the page can be trusted.
    /// </summary>
    public static class HelpContract
    {
        /// <summary>The parameters PowerShell adds to a cmdlet with SupportsShouldProcess, and their aliases.</summary>
        public static readonly IReadOnlyDictionary<string, string> ShouldProcessParameters =
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["WhatIf"] = "wi", ["Confirm"] = "cf" };

        private static readonly string[] YamlKeys =
            { "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters" };

        public static List<string> Check(HelpPage page, CmdletContract code) =>
            CheckSyntax(page, code).Concat(CheckParameters(page, code)).ToList();

        /// <summary>One "### SetName" subsection per parameter set, each showing exactly that set's parameters.</summary>
        public static List<string> CheckSyntax(HelpPage page, CmdletContract code)
        {
            var problems = new List<string>();
            CheckSyntax(page, code, problems);
            return problems;
        }

        /// <summary>One "### -Name" section per parameter whose ```yaml facts agree with the code.</summary>
        public static List<string> CheckParameters(HelpPage page, CmdletContract code)
        {
            var problems = new List<string>();
            CheckParameters(page, code, problems);
            return problems;
        }

        /// <summary>The parameters a page must document: the cmdlet's own plus -WhatIf/-Confirm when it supports ShouldProcess.</summary>
        public static IEnumerable<string> ExpectedParameters(CmdletContract code) =>
            code.Parameters.Select(p => p.Name).Concat(code.SupportsShouldProcess ? ShouldProcessParameters.Keys : Array.Empty<string>());

        private static IEnumerable<string> ExpectedInSet(CmdletContract code, string set) =>
            code.Parameters.Where(p => code.In(p, set) != null).Select(p => p.Name)
                .Concat(code.SupportsShouldProcess ? ShouldProcessParameters.Keys : Array.Empty<string>());

        private static void CheckSyntax(HelpPage page, CmdletContract code, List<string> problems)
        {
            var syntax = page.Syntax();
            int sectionLine = page.SectionHeading("SYNTAX")?.Line ?? 1;
            foreach (string set in code.Sets.Where(s => !syntax.Any(e => Same(e.SetName, s))))
                problems.Add($"{page.Where(sectionLine)}: {code.Name}: SYNTAX has no \"### {set}\" subsection for its parameter set {set}");
            foreach (var entry in syntax)
            {
                if (!code.Sets.Contains(entry.SetName, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"{page.Where(entry.Line)}: {code.Name}: SYNTAX shows parameter set \"{entry.SetName}\", which the cmdlet does not have (it has {string.Join(", ", code.Sets)})");
                    continue;
                }
                if (entry.Code == null)
                {
                    problems.Add($"{page.Where(entry.Line)}: {code.Name}: parameter set {entry.SetName} has no syntax code block");
                    continue;
                }
                bool isDefault = code.Sets.Count > 1 && Same(entry.SetName, code.DefaultSet);
                if (isDefault != entry.IsDefault)
                    problems.Add($"{page.Where(entry.Line)}: {code.Name}: parameter set {entry.SetName} {(isDefault ? "is the default set: mark it \"(Default)\"" : "is not the default set")}");
                var expected = ExpectedInSet(code, entry.SetName).ToList();
                foreach (string name in expected.Where(n => !entry.ParameterNames.Contains(n, StringComparer.OrdinalIgnoreCase)))
                    problems.Add($"{page.Where(entry.Line)}: {code.Name}: the syntax of set {entry.SetName} does not show -{name}");
                foreach (string name in entry.ParameterNames.Where(n => !expected.Contains(n, StringComparer.OrdinalIgnoreCase)))
                    problems.Add($"{page.Where(entry.Line)}: {code.Name}: the syntax of set {entry.SetName} shows -{name}, which is not a parameter of that set");
            }
        }

        private static void CheckParameters(HelpPage page, CmdletContract code, List<string> problems)
        {
            var documented = page.Parameters();
            int sectionLine = page.SectionHeading("PARAMETERS")?.Line ?? 1;
            foreach (var twice in documented.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
                problems.Add($"{page.Where(twice.Last().Line)}: {code.Name} -{twice.Key} is documented twice");
            var expected = ExpectedParameters(code).ToList();
            foreach (string name in expected.Where(n => !documented.Any(d => Same(d.Name, n))))
                problems.Add($"{page.Where(sectionLine)}: {code.Name} -{name} is not documented: add a \"### -{name}\" section to PARAMETERS");
            foreach (var doc in documented)
            {
                string where = $"{page.Where(doc.Line)}: {code.Name} -{doc.Name}";
                if (!expected.Contains(doc.Name, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add($"{where}: documented, but the cmdlet has no such parameter (removed or renamed?)");
                    continue;
                }
                if (!doc.HasDescription) problems.Add($"{where}: has no description");
                if (doc.Yaml.Count == 0)
                {
                    problems.Add($"{where}: has no ```yaml block");
                    continue;
                }
                foreach (var yaml in doc.Yaml)
                foreach (string key in YamlKeys.Where(k => yaml[k] == null))
                    problems.Add($"{page.Where(yaml.Line)}: {code.Name} -{doc.Name}: the ```yaml block has no \"{key}:\" line");

                if (ShouldProcessParameters.TryGetValue(doc.Name, out string? alias))
                {
                    CheckShouldProcessParameter(page, code, doc, alias, problems);
                    continue;
                }
                var parameter = code.Parameters.First(p => Same(p.Name, doc.Name));
                CheckSets(page, code, doc, parameter, problems);
            }
        }

        private static void CheckSets(HelpPage page, CmdletContract code, DocumentedParameter doc, CodeParameter parameter, List<string> problems)
        {
            var inSets = code.SetsOf(parameter).ToList();
            foreach (var yaml in doc.Yaml)
            {
                string where = $"{page.Where(yaml.Line)}: {code.Name} -{doc.Name}";
                var covered = yaml.Sets == null ? code.Sets : yaml.Sets.ToList();
                foreach (string set in covered.Where(s => !inSets.Contains(s, StringComparer.OrdinalIgnoreCase)))
                    problems.Add(yaml.Sets == null
                        ? $"{where}: Parameter Sets says (All), but the parameter is only in {string.Join(", ", inSets)}"
                        : $"{where}: Parameter Sets names {set}, but the parameter is not in that set (it is in {string.Join(", ", inSets)})");
                if (yaml["Type"] is { } type && !parameter.TypeNames().Contains(type, StringComparer.OrdinalIgnoreCase))
                    problems.Add($"{where}: Type is {type}, the code says {parameter.TypeNames().First()}");
                if (yaml["Aliases"] is { } aliases && !SameList(ParameterYaml.List(aliases), parameter.Aliases))
                    problems.Add($"{where}: Aliases are \"{aliases}\", the code says \"{string.Join(", ", parameter.Aliases)}\"");
                if (yaml["Accept wildcard characters"] is { } globbing && !Same(globbing, parameter.SupportsWildcards ? "True" : "False"))
                    problems.Add($"{where}: Accept wildcard characters is {globbing}, the code says {(parameter.SupportsWildcards ? "True ([SupportsWildcards])" : "False (no [SupportsWildcards])")}");
                var accepted = ParameterYaml.List(yaml["Accepted values"]);
                if (parameter.AcceptedValues != null && !SameList(accepted, parameter.AcceptedValues))
                    problems.Add($"{where}: Accepted values should be \"{string.Join(", ", parameter.AcceptedValues)}\"{(accepted.Count > 0 ? $", not \"{string.Join(", ", accepted)}\"" : "")}");
                else if (parameter.AcceptedValues == null && accepted.Count > 0)
                    problems.Add($"{where}: lists Accepted values, but the parameter accepts any value");

                foreach (string set in covered.Where(s => inSets.Contains(s, StringComparer.OrdinalIgnoreCase)))
                {
                    var facts = code.In(parameter, set)!;
                    string inSet = code.Sets.Count > 1 ? $" (set {set})" : "";
                    if (yaml["Required"] is { } required && !Same(required, facts.Mandatory ? "True" : "False"))
                        problems.Add($"{where}: Required is {required}, the code says {(facts.Mandatory ? "True" : "False")}{inSet}");
                    string position = facts.Position?.ToString() ?? "Named";
                    if (yaml["Position"] is { } documentedPosition && !Same(documentedPosition, position))
                        problems.Add($"{where}: Position is {documentedPosition}, the code says {position}{inSet}");
                    if (yaml["Accept pipeline input"] is { } pipeline)
                    {
                        var (byValue, byName) = Pipeline(pipeline);
                        if (byValue != facts.ByValue || byName != facts.ByPropertyName)
                            problems.Add($"{where}: Accept pipeline input is {pipeline}, the code says {Pipeline(facts.ByValue, facts.ByPropertyName)}{inSet}");
                    }
                }
            }
            foreach (string set in inSets.Where(s => !doc.Yaml.Any(y => y.Sets == null || y.Sets.Contains(s, StringComparer.OrdinalIgnoreCase))))
                problems.Add($"{page.Where(doc.Line)}: {code.Name} -{doc.Name}: no ```yaml block covers parameter set {set}, which the parameter is in");
        }

        private static void CheckShouldProcessParameter(HelpPage page, CmdletContract code, DocumentedParameter doc, string alias, List<string> problems)
        {
            foreach (var yaml in doc.Yaml)
            {
                string where = $"{page.Where(yaml.Line)}: {code.Name} -{doc.Name}";
                void Expect(string key, string value)
                {
                    if (yaml[key] is { } actual && !Same(actual, value)) problems.Add($"{where}: {key} is {actual}, PowerShell's is {value}");
                }
                Expect("Type", "SwitchParameter");
                Expect("Parameter Sets", "(All)");
                Expect("Aliases", alias);
                Expect("Required", "False");
                Expect("Position", "Named");
                Expect("Accept pipeline input", "False");
                Expect("Accept wildcard characters", "False");
            }
        }

        /// <summary>"False", "True (ByValue)", "True (ByPropertyName)", "True (ByPropertyName, ByValue)".</summary>
        public static (bool ByValue, bool ByPropertyName) Pipeline(string text)
        {
            if (!text.StartsWith("True", StringComparison.OrdinalIgnoreCase)) return (false, false);
            var kinds = Regex.Matches(text, "By(Value|PropertyName)", RegexOptions.IgnoreCase).Select(m => m.Value).ToList();
            return (kinds.Contains("ByValue", StringComparer.OrdinalIgnoreCase), kinds.Contains("ByPropertyName", StringComparer.OrdinalIgnoreCase));
        }

        public static string Pipeline(bool byValue, bool byName) =>
            !byValue && !byName ? "False" : byValue && byName ? "True (ByPropertyName, ByValue)" : byValue ? "True (ByValue)" : "True (ByPropertyName)";

        private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        private static bool SameList(IEnumerable<string> a, IEnumerable<string> b) =>
            a.Select(s => s.ToLowerInvariant()).OrderBy(s => s, StringComparer.Ordinal)
                .SequenceEqual(b.Select(s => s.ToLowerInvariant()).OrderBy(s => s, StringComparer.Ordinal));
    }
}
