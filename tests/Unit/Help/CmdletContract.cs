using System.Reflection;
using Outpost.Tests.Cmdlets;

namespace Outpost.Tests.Help
{
    /// <summary>
    /// What the built assembly says about a cmdlet's parameters: the [Parameter], [Alias],
    /// [SupportsWildcards] and [ValidateSet] attributes of its public properties and fields, inherited ones
    /// included, per parameter set. Read as metadata; no PowerShell runtime is loaded.
    /// </summary>
    public sealed class CmdletContract
    {
        public const string AllSets = "__AllParameterSets";
        private const string Sma = "System.Management.Automation.";

        public string Name { get; private init; } = "";
        public Type Type { get; private init; } = null!;
        /// <summary>The parameter sets, __AllParameterSets when the cmdlet declares none.</summary>
        public List<string> Sets { get; } = new List<string>();
        public string? DefaultSet { get; private init; }
        public bool SupportsShouldProcess { get; private init; }
        public List<CodeParameter> Parameters { get; } = new List<CodeParameter>();

        public static CmdletContract Read(ModuleMetadata module, Type cmdlet)
        {
            var attribute = ModuleMetadata.Attribute(cmdlet, module.CmdletAttribute)!;
            var contract = new CmdletContract
            {
                Name = module.NameOf(cmdlet),
                Type = cmdlet,
                DefaultSet = ModuleMetadata.Named(attribute, "DefaultParameterSetName") as string,
                SupportsShouldProcess = ModuleMetadata.Named(attribute, "SupportsShouldProcess") is true,
            };
            var members = cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Cast<MemberInfo>()
                .Concat(cmdlet.GetFields(BindingFlags.Public | BindingFlags.Instance))
                .GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
                .Select(g => g.OrderByDescending(m => Depth(m.DeclaringType!)).First()); // a `new` member hides its base's
            foreach (var member in members)
            {
                var parameterAttributes = ModuleMetadata.Attributes(member, Sma + "ParameterAttribute").ToList();
                if (parameterAttributes.Count == 0) continue;
                contract.Parameters.Add(CodeParameter.Read(member, parameterAttributes));
            }
            var named = contract.Parameters.SelectMany(p => p.DeclaredSets).Where(s => s != AllSets)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!string.IsNullOrEmpty(contract.DefaultSet) && !named.Contains(contract.DefaultSet!, StringComparer.OrdinalIgnoreCase))
                named.Insert(0, contract.DefaultSet!);
            contract.Sets.AddRange(named.Count > 0 ? named : new List<string> { AllSets });
            return contract;
        }

        /// <summary>The parameter's facts in a set, or null when it is not in that set.</summary>
        public CodeParameterSet? In(CodeParameter parameter, string set) =>
            parameter.PerSet.TryGetValue(set, out var facts) ? facts
            : parameter.PerSet.TryGetValue(AllSets, out var all) ? all : null;

        public IEnumerable<string> SetsOf(CodeParameter parameter) => Sets.Where(s => In(parameter, s) != null);

        private static int Depth(Type type)
        {
            int depth = 0;
            for (var t = type; t != null; t = t.BaseType) depth++;
            return depth;
        }
    }

    public sealed class CodeParameter
    {
        public string Name { get; private init; } = "";
        public Type Type { get; private init; } = null!;
        public List<string> Aliases { get; } = new List<string>();
        public bool SupportsWildcards { get; private init; }
        /// <summary>Enum names or [ValidateSet] values, or null when any value is accepted.</summary>
        public List<string>? AcceptedValues { get; private set; }
        public Dictionary<string, CodeParameterSet> PerSet { get; } = new Dictionary<string, CodeParameterSet>(StringComparer.OrdinalIgnoreCase);
        public IEnumerable<string> DeclaredSets => PerSet.Keys;

        internal static CodeParameter Read(MemberInfo member, List<CustomAttributeData> parameterAttributes)
        {
            var type = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
            var parameter = new CodeParameter
            {
                Name = member.Name,
                Type = type,
                SupportsWildcards = ModuleMetadata.Attributes(member, "System.Management.Automation.SupportsWildcardsAttribute").Any(),
            };
            foreach (var alias in ModuleMetadata.Attributes(member, "System.Management.Automation.AliasAttribute"))
                parameter.Aliases.AddRange(Strings(alias.ConstructorArguments));
            var validateSet = ModuleMetadata.Attributes(member, "System.Management.Automation.ValidateSetAttribute").FirstOrDefault();
            var element = ElementType(type);
            if (validateSet != null) parameter.AcceptedValues = Strings(validateSet.ConstructorArguments).ToList();
            else if (element.IsEnum)
                parameter.AcceptedValues = element.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();
            foreach (var data in parameterAttributes)
            {
                string set = ModuleMetadata.Named(data, "ParameterSetName") as string ?? CmdletContract.AllSets;
                int position = ModuleMetadata.Named(data, "Position") is int pos ? pos : int.MinValue;
                parameter.PerSet[set] = new CodeParameterSet(
                    ModuleMetadata.Named(data, "Mandatory") is true,
                    position == int.MinValue ? null : position,
                    ModuleMetadata.Named(data, "ValueFromPipeline") is true,
                    ModuleMetadata.Named(data, "ValueFromPipelineByPropertyName") is true);
            }
            return parameter;
        }

        /// <summary>The names a help page may give the type: its short name (Int32, String[]) or full name.</summary>
        public IEnumerable<string> TypeNames()
        {
            var t = Type;
            if (t.IsGenericType && t.GetGenericTypeDefinition().FullName == "System.Nullable`1") t = t.GetGenericArguments()[0];
            yield return t.Name;
            if (t.FullName != null) yield return t.FullName;
        }

        private static Type ElementType(Type type)
        {
            if (type.IsArray) return ElementType(type.GetElementType()!);
            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") return type.GetGenericArguments()[0];
            return type;
        }

        private static IEnumerable<string> Strings(IList<CustomAttributeTypedArgument> arguments) =>
            arguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : new[] { a.Value })
                .OfType<string>();
    }

    /// <summary>A parameter's [Parameter] facts in one set. Position is null for a named parameter.</summary>
    public sealed record CodeParameterSet(bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);
}
