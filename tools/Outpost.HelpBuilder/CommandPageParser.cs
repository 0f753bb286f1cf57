using System.Text.RegularExpressions;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Outpost.HelpBuilder;

/// <summary>
/// Reads a cmdlet page in platyPS's layout (schema 2.0.0). Every deviation it cannot turn into MAML is
/// reported with its line; the page is then not converted.
/// </summary>
public static class CommandPageParser
{
    public static readonly string[] Sections =
        { "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS" };

    private static readonly string[] YamlKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters",
    };

    private static readonly string[] RequiredYamlKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters",
    };

    private static readonly Regex CommandName = new("^[A-Z][A-Za-z]*-[A-Za-z][A-Za-z0-9]*$", RegexOptions.CultureInvariant);
    private static readonly Regex SyntaxParameter = new(@"(?<![\w-])-([A-Za-z][A-Za-z0-9]*)", RegexOptions.CultureInvariant);
    private static readonly Regex PipelineInput = new(@"^(?i:true)\s*\(\s*([A-Za-z]+)\s*(?:,\s*([A-Za-z]+)\s*)?\)$", RegexOptions.CultureInvariant);

    public static CommandPage? Parse(string file, string text, PageProblems problems)
    {
        var page = new CommandPage { File = file };
        var blocks = MarkdownText.Parse(text).ToList();
        int at = 0;

        if (blocks.Count > 0 && blocks[0] is YamlFrontMatterBlock front)
        {
            ReadFrontMatter(front, page, problems);
            at++;
        }
        else problems.Add(1, "the page must start with platyPS front matter (---, external help file:, Module Name:, online version:, schema: 2.0.0, ---)");

        int titleLine = 1;
        if (at < blocks.Count && blocks[at] is HeadingBlock { Level: 1 } title)
        {
            page.Name = MarkdownText.Inline(title.Inline);
            titleLine = MarkdownText.LineOf(title);
            string expected = Path.GetFileNameWithoutExtension(file);
            if (!CommandName.IsMatch(page.Name))
                problems.Add(titleLine, $"\"# {page.Name}\" is not a Verb-Noun command name");
            else if (!string.Equals(page.Name, expected, StringComparison.Ordinal))
                problems.Add(titleLine, $"the page is named {expected}.md but documents {page.Name}; name the file after the command");
            at++;
        }
        else problems.Add(at < blocks.Count ? MarkdownText.LineOf(blocks[at]) : 1, "expected \"# Verb-Noun\" (the command name) after the front matter");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (at < blocks.Count)
        {
            if (blocks[at] is not HeadingBlock { Level: 2 } heading)
            {
                problems.Add(MarkdownText.LineOf(blocks[at]), "expected a \"## SECTION\" heading (SYNOPSIS, SYNTAX, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS)");
                at++;
                continue;
            }
            string section = MarkdownText.Inline(heading.Inline);
            int line = MarkdownText.LineOf(heading);
            at++;
            var body = new List<Block>();
            while (at < blocks.Count && !(blocks[at] is HeadingBlock { Level: <= 2 }))
                body.Add(blocks[at++]);
            if (!Sections.Contains(section, StringComparer.Ordinal))
            {
                problems.Add(line, $"unknown section \"## {section}\"; platyPS sections are {string.Join(", ", Sections)} (upper case)");
                continue;
            }
            if (!seen.Add(section))
            {
                problems.Add(line, $"section \"## {section}\" appears twice");
                continue;
            }
            switch (section)
            {
                case "SYNOPSIS":
                    page.Synopsis.AddRange(MarkdownText.Paragraphs(body, problems));
                    if (page.Synopsis.Count == 0) problems.Add(line, "the SYNOPSIS is empty");
                    break;
                case "DESCRIPTION":
                    page.Description.AddRange(MarkdownText.Paragraphs(body, problems));
                    if (page.Description.Count == 0) problems.Add(line, "the DESCRIPTION is empty");
                    break;
                case "SYNTAX": ReadSyntax(body, line, page, problems); break;
                case "EXAMPLES": ReadExamples(body, page, problems); break;
                case "PARAMETERS": ReadParameters(body, page, problems); break;
                case "INPUTS": ReadTypes(body, page.Inputs, "INPUTS", problems); break;
                case "OUTPUTS": ReadTypes(body, page.Outputs, "OUTPUTS", problems); break;
                case "NOTES": page.Notes.AddRange(MarkdownText.Paragraphs(body, problems)); break;
                case "RELATED LINKS": ReadLinks(body, page, problems); break;
            }
        }
        foreach (string section in Sections.Where(s => !seen.Contains(s)))
            problems.Add(titleLine, $"missing section \"## {section}\"");
        if (seen.Contains("SYNTAX") && seen.Contains("PARAMETERS")) CheckSets(page, problems);
        return problems.Any ? null : page;
    }

    private static void ReadFrontMatter(YamlFrontMatterBlock front, CommandPage page, PageProblems problems)
    {
        int first = MarkdownText.LineOf(front);
        var lines = front.Lines.Lines.Take(front.Lines.Count).Select(l => l.Slice.ToString()).ToList();
        for (int i = 0; i < lines.Count; i++)
        {
            string raw = lines[i].Trim();
            if (raw.Length == 0 || raw == "---" || raw == "..." || raw.StartsWith('#')) continue;
            int colon = raw.IndexOf(':');
            if (colon <= 0)
            {
                problems.Add(first + i, $"front matter line \"{raw}\" is not \"key: value\"");
                continue;
            }
            page.FrontMatter[raw.Substring(0, colon).Trim()] = raw.Substring(colon + 1).Trim();
        }
        if (string.IsNullOrEmpty(page.ExternalHelpFile))
            problems.Add(first, "front matter has no \"external help file:\" (e.g. Outpost.PowerShell.dll-Help.xml)");
        else if (!page.ExternalHelpFile.EndsWith("-Help.xml", StringComparison.OrdinalIgnoreCase) || page.ExternalHelpFile.IndexOfAny(new[] { '/', '\\' }) >= 0)
            problems.Add(first, $"\"external help file: {page.ExternalHelpFile}\" must be a file name ending in -Help.xml");
        if (!page.FrontMatter.TryGetValue("Module Name", out var module) || module.Length == 0)
            problems.Add(first, "front matter has no \"Module Name:\"");
        if (!page.FrontMatter.ContainsKey("online version"))
            problems.Add(first, "front matter has no \"online version:\" (it may be empty)");
        if (!page.FrontMatter.TryGetValue("schema", out var schema) || schema != "2.0.0")
            problems.Add(first, "front matter must say \"schema: 2.0.0\" (the platyPS layout this tool reads)");
    }

    private static void ReadSyntax(List<Block> body, int sectionLine, CommandPage page, PageProblems problems)
    {
        SyntaxSection? pending = null;
        foreach (var block in body)
        {
            int line = MarkdownText.LineOf(block);
            if (block is HeadingBlock { Level: 3 } heading)
            {
                if (pending != null) problems.Add(pending.Line, $"parameter set \"{pending.SetName}\" has no syntax code block");
                string name = MarkdownText.Inline(heading.Inline);
                bool isDefault = name.EndsWith("(Default)", StringComparison.Ordinal);
                if (isDefault) name = name.Substring(0, name.Length - "(Default)".Length).Trim();
                if (name.Length == 0 || name.Any(char.IsWhiteSpace))
                    problems.Add(line, $"\"### {name}\" is not a parameter set name");
                pending = new SyntaxSection { SetName = name, IsDefault = isDefault, Line = line };
                if (page.Syntax.Any(s => s.SetName.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    problems.Add(line, $"parameter set \"{name}\" appears twice in SYNTAX");
            }
            else if (block is FencedCodeBlock code)
            {
                var syntax = pending ?? new SyntaxSection { Line = line };
                if (pending == null && page.Syntax.Count > 0)
                    problems.Add(line, "a syntax code block without a \"### ParameterSetName\" heading");
                syntax.Code = MarkdownText.Code(code);
                syntax.CodeLine = line;
                ReadSyntaxLine(syntax, page, line, problems);
                page.Syntax.Add(syntax);
                pending = null;
            }
            else problems.Add(line, "SYNTAX holds only \"### ParameterSetName\" headings, each with a ``` code block of the syntax line");
        }
        if (pending != null) problems.Add(pending.Line, $"parameter set \"{pending.SetName}\" has no syntax code block");
        if (page.Syntax.Count == 0) problems.Add(sectionLine, "SYNTAX has no syntax code block");
        if (page.Syntax.Count(s => s.IsDefault) > 1) problems.Add(sectionLine, "more than one parameter set is marked (Default)");
    }

    private static void ReadSyntaxLine(SyntaxSection syntax, CommandPage page, int line, PageProblems problems)
    {
        string flat = string.Join(" ", syntax.Code.Split('\n').Select(l => l.Trim()));
        if (page.Name.Length > 0 && !flat.StartsWith(page.Name + " ", StringComparison.Ordinal) && flat != page.Name)
            problems.Add(line, $"the syntax line of \"{syntax.SetName}\" must start with the command name {page.Name}");
        foreach (Match m in SyntaxParameter.Matches(flat))
        {
            string name = m.Groups[1].Value;
            if (syntax.ParameterOrder.Contains(name, StringComparer.OrdinalIgnoreCase))
                problems.Add(line, $"the syntax line of \"{syntax.SetName}\" names -{name} twice");
            else syntax.ParameterOrder.Add(name);
        }
    }

    private static void ReadExamples(List<Block> body, CommandPage page, PageProblems problems)
    {
        ExampleSection? example = null;
        foreach (var block in body)
        {
            int line = MarkdownText.LineOf(block);
            if (block is HeadingBlock { Level: 3 } heading)
            {
                Finish(example);
                example = new ExampleSection { Title = MarkdownText.Inline(heading.Inline), Line = line };
                page.Examples.Add(example);
                continue;
            }
            if (example == null)
            {
                problems.Add(line, "an example starts with a \"### Example N: what it shows\" heading");
                continue;
            }
            if (block is FencedCodeBlock code) example.Code.Add(MarkdownText.Code(code));
            else
            {
                var paras = MarkdownText.Paragraphs(new[] { block }, problems);
                (example.Code.Count == 0 ? example.Introduction : example.Remarks).AddRange(paras);
            }
        }
        Finish(example);

        void Finish(ExampleSection? done)
        {
            if (done != null && done.Code.Count == 0)
                problems.Add(done.Line, $"example \"{done.Title}\" has no ```powershell code block");
        }
    }

    private static void ReadParameters(List<Block> body, CommandPage page, PageProblems problems)
    {
        ParameterSection? parameter = null;
        bool common = false;
        foreach (var block in body)
        {
            int line = MarkdownText.LineOf(block);
            if (block is HeadingBlock { Level: 3 } heading)
            {
                FinishParameter(parameter, problems);
                parameter = null;
                string name = MarkdownText.Inline(heading.Inline);
                common = name is "CommonParameters" or "<CommonParameters>" or "WorkflowCommonParameters" or "<WorkflowCommonParameters>";
                if (common) continue;
                if (!name.StartsWith('-') || name.Length < 2 || !name.Skip(1).All(char.IsLetterOrDigit))
                {
                    problems.Add(line, $"\"### {name}\" is not a parameter heading; write \"### -Name\" (or \"### CommonParameters\")");
                    continue;
                }
                parameter = new ParameterSection { Name = name.Substring(1), Line = line };
                if (page.Parameters.Any(p => p.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase)))
                    problems.Add(line, $"parameter -{parameter.Name} is documented twice");
                page.Parameters.Add(parameter);
                continue;
            }
            if (common) continue; // the text platyPS writes about the common parameters is not part of the MAML
            if (parameter == null)
            {
                problems.Add(line, "a parameter starts with a \"### -Name\" heading");
                continue;
            }
            if (block is FencedCodeBlock { Info: "yaml" } yaml)
            {
                var metadata = ReadYaml(yaml, parameter, problems);
                if (metadata != null) parameter.Metadata.Add(metadata);
                else parameter.HasUnreadableMetadata = true;
            }
            else if (block is FencedCodeBlock other)
            {
                problems.Add(line, $"-{parameter.Name}: a code block here must be ```yaml (the parameter's metadata), not ```{other.Info}");
            }
            else if (parameter.Metadata.Count > 0 || parameter.HasUnreadableMetadata)
            {
                problems.Add(line, $"-{parameter.Name}: put the description before the ```yaml block, as platyPS does");
            }
            else parameter.Description.AddRange(MarkdownText.Paragraphs(new[] { block }, problems));
        }
        FinishParameter(parameter, problems);
    }

    private static void FinishParameter(ParameterSection? parameter, PageProblems problems)
    {
        if (parameter == null) return;
        if (parameter.Description.Count == 0) problems.Add(parameter.Line, $"-{parameter.Name} has no description");
        if (parameter.Metadata.Count == 0 && !parameter.HasUnreadableMetadata) problems.Add(parameter.Line, $"-{parameter.Name} has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, ...)");
        for (int i = 0; i < parameter.Metadata.Count; i++)
        for (int j = i + 1; j < parameter.Metadata.Count; j++)
        {
            var a = parameter.Metadata[i];
            var b = parameter.Metadata[j];
            if (a.AllSets || b.AllSets || a.Sets.Intersect(b.Sets, StringComparer.OrdinalIgnoreCase).Any())
                problems.Add(b.Line, $"-{parameter.Name}: two ```yaml blocks cover the same parameter set");
        }
    }

    private static ParameterMetadata? ReadYaml(FencedCodeBlock yaml, ParameterSection parameter, PageProblems problems)
    {
        int first = MarkdownText.LineOf(yaml) + 1;
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var lines = MarkdownText.Code(yaml).Split('\n');
        bool ok = true;
        for (int i = 0; i < lines.Length; i++)
        {
            string raw = lines[i].Trim();
            if (raw.Length == 0) continue;
            int colon = raw.IndexOf(':');
            string key = colon > 0 ? raw.Substring(0, colon).Trim() : "";
            if (colon <= 0 || !YamlKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(first + i, $"-{parameter.Name}: \"{raw}\" is not one of the keys platyPS writes ({string.Join(", ", YamlKeys)})");
                ok = false;
                continue;
            }
            if (values.ContainsKey(key))
            {
                problems.Add(first + i, $"-{parameter.Name}: \"{key}\" appears twice");
                ok = false;
                continue;
            }
            values[key] = (raw.Substring(colon + 1).Trim(), first + i);
        }
        foreach (string key in RequiredYamlKeys.Where(k => !values.ContainsKey(k)))
        {
            problems.Add(first - 1, $"-{parameter.Name}: the ```yaml block has no \"{key}:\" line");
            ok = false;
        }
        if (!ok) return null;

        var m = new ParameterMetadata { Line = first - 1 };
        m.Type = values["Type"].Value;
        if (m.Type.Length == 0) { problems.Add(values["Type"].Line, $"-{parameter.Name}: Type is empty"); ok = false; }

        string sets = values["Parameter Sets"].Value;
        if (sets == "(All)" || sets == CommandPage.AllParameterSets) m.AllSets = true;
        else m.Sets.AddRange(Split(sets));
        if (!m.AllSets && m.Sets.Count == 0) { problems.Add(values["Parameter Sets"].Line, $"-{parameter.Name}: Parameter Sets is empty (write (All) or set names)"); ok = false; }

        m.Aliases.AddRange(Split(values["Aliases"].Value));
        if (values.TryGetValue("Accepted values", out var accepted)) m.AcceptedValues.AddRange(Split(accepted.Value));

        ok &= Bool(values["Required"], "Required", b => m.Required = b);
        ok &= Bool(values["Accept wildcard characters"], "Accept wildcard characters", b => m.Globbing = b);

        var (position, positionLine) = values["Position"];
        if (position.Equals("Named", StringComparison.OrdinalIgnoreCase)) m.Position = "named";
        else if (int.TryParse(position, out int p) && p >= 0) m.Position = p.ToString();
        else { problems.Add(positionLine, $"-{parameter.Name}: Position must be Named or a number, not \"{position}\""); ok = false; }

        string defaultValue = values["Default value"].Value;
        m.DefaultValue = defaultValue.Length == 0 ? "None" : defaultValue;

        var (pipeline, pipelineLine) = values["Accept pipeline input"];
        if (pipeline.Equals("False", StringComparison.OrdinalIgnoreCase)) { }
        else if (PipelineInput.Match(pipeline) is { Success: true } match)
        {
            foreach (var kind in new[] { match.Groups[1].Value, match.Groups[2].Value }.Where(k => k.Length > 0))
            {
                if (kind.Equals("ByValue", StringComparison.OrdinalIgnoreCase)) m.ByValue = true;
                else if (kind.Equals("ByPropertyName", StringComparison.OrdinalIgnoreCase)) m.ByPropertyName = true;
                else { problems.Add(pipelineLine, $"-{parameter.Name}: \"{kind}\" is neither ByValue nor ByPropertyName"); ok = false; }
            }
        }
        else { problems.Add(pipelineLine, $"-{parameter.Name}: Accept pipeline input must be False or True (ByValue / ByPropertyName / ByPropertyName, ByValue), not \"{pipeline}\""); ok = false; }
        return ok ? m : null;

        bool Bool((string Value, int Line) entry, string key, Action<bool> set)
        {
            if (entry.Value.Equals("True", StringComparison.OrdinalIgnoreCase)) { set(true); return true; }
            if (entry.Value.Equals("False", StringComparison.OrdinalIgnoreCase)) { set(false); return true; }
            problems.Add(entry.Line, $"-{parameter.Name}: {key} must be True or False, not \"{entry.Value}\"");
            return false;
        }
    }

    private static IEnumerable<string> Split(string list) =>
        list.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0);

    private static void ReadTypes(List<Block> body, List<TypeSection> types, string section, PageProblems problems)
    {
        TypeSection? current = null;
        foreach (var block in body)
        {
            if (block is HeadingBlock { Level: 3 } heading)
            {
                current = new TypeSection { TypeName = MarkdownText.Inline(heading.Inline) };
                types.Add(current);
            }
            else if (current == null)
                problems.Add(MarkdownText.LineOf(block), $"{section} lists types as \"### Type.Name\" headings, each followed by what it is");
            else current.Description.AddRange(MarkdownText.Paragraphs(new[] { block }, problems));
        }
    }

    private static void ReadLinks(List<Block> body, CommandPage page, PageProblems problems)
    {
        foreach (var block in body)
        {
            var links = LinksIn(block).Where(l => !l.IsImage).ToList();
            if (links.Count == 0)
            {
                problems.Add(MarkdownText.LineOf(block), "RELATED LINKS holds only [text](address) links");
                continue;
            }
            foreach (var link in links)
            {
                string text = MarkdownText.Inline(link);
                page.Links.Add(new RelatedLink { Text = text.Length > 0 ? text : link.Url ?? "", Uri = link.Url ?? "" });
            }
        }
    }

    private static IEnumerable<LinkInline> LinksIn(Block block) => block switch
    {
        LeafBlock { Inline: { } inline } => inline.Descendants<LinkInline>(),
        ContainerBlock container => container.SelectMany(LinksIn),
        _ => Enumerable.Empty<LinkInline>(),
    };

    /// <summary>The SYNTAX sections, the parameters' sets and the syntax lines must tell the same story.</summary>
    private static void CheckSets(CommandPage page, PageProblems problems)
    {
        var sets = page.Syntax.Select(s => s.SetName).ToList();
        bool single = sets.Count == 1;
        foreach (var parameter in page.Parameters)
        foreach (var m in parameter.Metadata.Where(m => !m.AllSets))
        foreach (string set in m.Sets.Where(s => !sets.Contains(s, StringComparer.OrdinalIgnoreCase)))
            problems.Add(m.Line, $"-{parameter.Name} is in parameter set \"{set}\", which SYNTAX does not show");
        if (!single)
        {
            foreach (var syntax in page.Syntax)
            {
                if (!page.Parameters.Any(p => p.Metadata.Any(m => m.Sets.Contains(syntax.SetName, StringComparer.OrdinalIgnoreCase))))
                    problems.Add(syntax.Line, $"no parameter names parameter set \"{syntax.SetName}\" in its Parameter Sets");
            }
        }
        // A parameter whose metadata could not be read has been reported already; leave it out of the comparison.
        var unreadable = page.Parameters.Where(p => p.HasUnreadableMetadata).Select(p => p.Name).ToList();
        foreach (var syntax in page.Syntax)
        {
            var inSet = page.Parameters.Where(p => page.MetadataFor(p, syntax.SetName) != null).Select(p => p.Name).ToList();
            foreach (string name in inSet.Where(n => !syntax.ParameterOrder.Contains(n, StringComparer.OrdinalIgnoreCase)))
                problems.Add(syntax.CodeLine, $"the syntax line of \"{syntax.SetName}\" does not show -{name}, which is in that set");
            foreach (string name in syntax.ParameterOrder.Where(n => !inSet.Contains(n, StringComparer.OrdinalIgnoreCase) && !unreadable.Contains(n, StringComparer.OrdinalIgnoreCase)))
                problems.Add(syntax.CodeLine, page.Parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                    ? $"the syntax line of \"{syntax.SetName}\" shows -{name}, which is not in that set"
                    : $"the syntax line of \"{syntax.SetName}\" shows -{name}, which PARAMETERS does not document");
        }
    }
}
