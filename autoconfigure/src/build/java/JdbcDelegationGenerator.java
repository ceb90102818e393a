import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.sun.source.util.JavacTask;

/**
 * Writes the plain-delegation half of the routing layer's JDBC wrappers at build time, as
 * HikariCP generates its proxies: a hand-written abstract root class holds the logic
 * (binding, tracking, error handling), and the generated final class adds every method of
 * the JDBC interface that the root does not implement, delegating it and passing every
 * {@code SQLException} through the root's {@code failed(SQLException)}; {@code unwrap} and
 * {@code isWrapperFor} answer for the wrapper itself first. A method whose
 * result the root has a {@code wrap} method for (a {@code ResultSet}, a statement, ...)
 * passes it through that method; one that would hand out another physical JDBC object
 * without wrapping it stops the build.
 * <p>
 * The JDBC interfaces are read as the {@code --release 17} platform defines them (not as
 * the running JDK does), and the roots' sources are read with javac, not compiled.
 * <p>
 * Run from the build (autoconfigure/pom.xml), with Java's single-file source launcher:
 * <pre>
 * java JdbcDelegationGenerator.java SOURCE_DIR OUTPUT_DIR CLASSPATH SPEC...
 * SPEC = ROOT_CLASS,INTERFACE,GENERATED_SIMPLE_NAME,TARGET
 * </pre>
 * where TARGET is {@code delegate} (the root's field, cast to the interface if needed) or another
 * expression of the root that yields the object to delegate to, such as
 * {@code physical()}.
 * <p>
 * Re-runs of read-only statements (see {@code ReRuns}) are generated too, by convention:
 * <ul>
 * <li>a method whose result the root wraps with a two-argument {@code wrap(result,
 * recording)} passes, when the root's {@code reRunnable()} says so, a
 * {@code StatementRecording} that creates the result again with the same arguments (one
 * object, made by a static helper so that it does not hold the root), else
 * {@code null};</li>
 * <li>in a root with a {@code recording} field, a void {@code set*} method or
 * {@code clearParameters} first records itself as a lambda while the field is set (a
 * value that cannot be replayed, such as a stream or a LOB, ends the recording instead),
 * a method named {@code execute*} first calls the root's {@code executing()} (with the SQL,
 * {@code executing(sql)}, when its first parameter is a {@code String}),
 * {@code addBatch(String)} calls {@code batching(sql)}, and any other
 * method but a no-argument getter of a primitive ends the recording.</li>
 * </ul>
 * A root that declares {@code physicalForStatement(String)} creates its statements on the
 * connection that method returns for their SQL: {@code prepareStatement(sql, ...)} and
 * {@code prepareCall(sql, ...)} on {@code physicalForStatement(sql)},
 * {@code createStatement(...)} on {@code physicalForStatement(null)}.
 */
public final class JdbcDelegationGenerator {

	private static final String SQL_EXCEPTION = "java.sql.SQLException";

	private static final String RECORDING = "recording";

	private static final String STATEMENT_TARGET = "physicalForStatement";

	// Setter parameter types whose values cannot be replayed on another statement.
	private static final List<String> NOT_REPLAYABLE = List.of("java.io.InputStream", "java.io.Reader",
			"java.sql.Blob", "java.sql.Clob", "java.sql.Array", "java.sql.SQLXML", "java.sql.Ref", "java.sql.RowId",
			"java.sql.Struct");

	private static final List<String> NEVER_DELEGATED = List.of("java.sql.Connection", "java.sql.Statement",
			"java.sql.DatabaseMetaData", "java.sql.ResultSet");

	private final Elements elements;

	private final Types types;

	private JdbcDelegationGenerator(Elements elements, Types types) {
		this.elements = elements;
		this.types = types;
	}

	public static void main(String[] args) throws IOException {
		Path sources = Path.of(args[0]);
		Path output = Path.of(args[1]);
		String classpath = args[2];
		List<String[]> specs = new ArrayList<>();
		for (int i = 3; i < args.length; i++) {
			specs.add(args[i].split(","));
		}
		JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
		// No compilation units: the roots are read from the source path on demand, only as
		// far as their members, so their references to generated classes do not matter.
		JavacTask task = (JavacTask) javac.getTask(null, files, null,
				List.of("--release", "17", "-proc:none", "-classpath", classpath, "-sourcepath", sources.toString()),
				null, null);
		JdbcDelegationGenerator generator = new JdbcDelegationGenerator(task.getElements(), task.getTypes());
		for (String[] spec : specs) {
			generator.generate(spec[0], spec[1], spec[2], spec[3], output);
		}
	}

	private void generate(String rootName, String interfaceName, String simpleName, String target, Path output)
			throws IOException {
		TypeElement root = require(rootName);
		TypeElement jdbc = require(interfaceName);
		String pkg = this.elements.getPackageOf(root).getQualifiedName().toString();
		String delegate = "delegate".equals(target) ? delegateField(root, jdbc) : target;
		StringBuilder code = new StringBuilder();
		code.append("package ").append(pkg).append(";\n\n");
		code.append("/**\n * Plain delegation for {@link ").append(root.getSimpleName())
			.append("}: every method of {@link ").append(interfaceName)
			.append("} that it does not implement.\n * Generated by JdbcDelegationGenerator at build time; do not edit.\n */\n");
		code.append("@javax.annotation.processing.Generated(\"JdbcDelegationGenerator\")\n");
		code.append("@org.jspecify.annotations.NullUnmarked\n");
		code.append("final class ").append(simpleName).append(" extends ").append(rootName).append(" implements ")
			.append(interfaceName).append(" {\n");
		for (ExecutableElement constructor : ElementFilter.constructorsIn(root.getEnclosedElements())) {
			if (!constructor.getModifiers().contains(Modifier.PRIVATE)) {
				code.append("\n\t").append(simpleName).append(parameters(constructor)).append(" {\n\t\tsuper(")
					.append(arguments(constructor)).append(");\n\t}\n");
			}
		}
		List<TypeMirror> wrapped = wrapped(root, 1);
		List<TypeMirror> recreated = wrapped(root, 2);
		boolean recording = ElementFilter.fieldsIn(this.elements.getAllMembers(root))
			.stream()
			.anyMatch((field) -> field.getSimpleName().contentEquals(RECORDING));
		boolean statementTarget = ElementFilter.methodsIn(this.elements.getAllMembers(root))
			.stream()
			.anyMatch((method) -> method.getSimpleName().contentEquals(STATEMENT_TARGET));
		for (ExecutableElement method : toDelegate(root, jdbc)) {
			String methodTarget = statementTarget ? statementTarget(method, delegate) : delegate;
			code.append(method(method, methodTarget, wrapped, recreated, recording, interfaceName, rootName));
		}
		code.append("\n}\n");
		Path file = output.resolve(pkg.replace('.', '/')).resolve(simpleName + ".java");
		Files.createDirectories(file.getParent());
		try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			writer.write(code.toString());
		}
	}

	// The types the root's wrap methods with the given number of parameters take first.
	private List<TypeMirror> wrapped(TypeElement root, int parameters) {
		return ElementFilter.methodsIn(this.elements.getAllMembers(root))
			.stream()
			.filter((method) -> method.getSimpleName().contentEquals("wrap")
					&& method.getParameters().size() == parameters)
			.map((method) -> this.types.erasure(method.getParameters().get(0).asType()))
			.toList();
	}

	// The root's delegate field, cast to the interface where it is declared as a supertype.
	private String delegateField(TypeElement root, TypeElement jdbc) {
		VariableElement field = ElementFilter.fieldsIn(this.elements.getAllMembers(root))
			.stream()
			.filter((candidate) -> candidate.getSimpleName().contentEquals("delegate"))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException(root + " has no field named delegate"));
		return this.types.isSameType(this.types.erasure(field.asType()), this.types.erasure(jdbc.asType()))
				? "this.delegate" : "((" + jdbc.getQualifiedName() + ") this.delegate)";
	}

	private TypeElement require(String name) {
		TypeElement type = this.elements.getTypeElement(name);
		if (type == null) {
			throw new IllegalArgumentException("No type " + name);
		}
		return type;
	}

	// The interface's methods (inherited ones too) that no concrete method of the root
	// implements, in declaration order.
	private List<ExecutableElement> toDelegate(TypeElement root, TypeElement jdbc) {
		Map<String, ExecutableElement> implemented = new LinkedHashMap<>();
		for (ExecutableElement method : ElementFilter.methodsIn(this.elements.getAllMembers(root))) {
			boolean inClass = method.getEnclosingElement().getKind() == ElementKind.CLASS;
			if (inClass && !method.getModifiers().contains(Modifier.ABSTRACT)) {
				implemented.put(signature(method), method);
			}
		}
		Map<String, ExecutableElement> missing = new LinkedHashMap<>();
		for (ExecutableElement method : ElementFilter.methodsIn(this.elements.getAllMembers(jdbc))) {
			TypeElement owner = (TypeElement) method.getEnclosingElement();
			if (owner.getKind() == ElementKind.INTERFACE && !method.getModifiers().contains(Modifier.STATIC)
					&& !implemented.containsKey(signature(method))) {
				missing.putIfAbsent(signature(method), method);
			}
		}
		return new ArrayList<>(missing.values());
	}

	private String signature(ExecutableElement method) {
		return method.getSimpleName() + method.getParameters()
			.stream()
			.map((parameter) -> this.types.erasure(parameter.asType()).toString())
			.collect(Collectors.joining(",", "(", ")"));
	}

	private String method(ExecutableElement method, String delegate, List<TypeMirror> wrapped,
			List<TypeMirror> recreated, boolean recording, String interfaceName, String rootName) {
		String returned = method.getReturnType().toString();
		TypeMirror erased = this.types.erasure(method.getReturnType());
		boolean recreate = recreated.stream().anyMatch((type) -> this.types.isSameType(type, erased));
		boolean wrap = recreate || wrapped.stream().anyMatch((type) -> this.types.isSameType(type, erased));
		for (String type : NEVER_DELEGATED) {
			if (!wrap && this.types.isAssignable(erased, this.types.erasure(require(type).asType()))) {
				throw new IllegalStateException(rootName + " must implement " + method + " of " + interfaceName
						+ " or wrap its result: delegating it would hand out the physical " + type);
			}
		}
		if ("this.delegate".equals(delegate) || delegate.endsWith(" this.delegate)")) {
			String wrapper = wrapperMethod(method, delegate, recording);
			if (wrapper != null) {
				return wrapper;
			}
		}
		boolean throwsSqlException = method.getThrownTypes()
			.stream()
			.anyMatch((thrown) -> SQL_EXCEPTION.equals(thrown.toString()));
		String call = delegate + "." + method.getSimpleName() + "(" + arguments(method) + ")";
		String helper = "";
		if (recreate) {
			String helperName = "recordingOf" + Character.toUpperCase(method.getSimpleName().charAt(0))
					+ method.getSimpleName().toString().substring(1);
			call = "wrap(" + call + ", reRunnable() ? " + helperName + "(" + arguments(method) + ") : null)";
			helper = recordingHelper(method, helperName);
		}
		else if (wrap) {
			call = "wrap(" + call + ")";
		}
		String statement = ("void".equals(returned) ? "" : "return ") + call + ";";
		if (recording) {
			String recorded = recordingPrefix(method);
			// A setter is recorded once the driver accepted it; anything else ends or
			// notes the recording first.
			statement = recorded.startsWith("if") ? statement + "\n\t\t\t" + recorded : recorded + statement;
		}
		StringBuilder code = new StringBuilder("\n");
		if (this.elements.isDeprecated(method)) {
			code.append("\t@Deprecated\n");
		}
		code.append("\t@Override\n\tpublic ");
		if (!method.getTypeParameters().isEmpty()) {
			code.append(method.getTypeParameters()
				.stream()
				.map((parameter) -> parameter.getSimpleName().toString())
				.collect(Collectors.joining(", ", "<", "> ")));
		}
		code.append(returned).append(' ').append(method.getSimpleName()).append(parameters(method));
		if (!method.getThrownTypes().isEmpty()) {
			code.append(" throws ")
				.append(method.getThrownTypes().stream().map(TypeMirror::toString).collect(Collectors.joining(", ")));
		}
		code.append(" {\n");
		if (throwsSqlException) {
			code.append("\t\ttry {\n\t\t\t")
				.append(statement)
				.append("\n\t\t}\n\t\tcatch (java.sql.SQLException ex) {\n\t\t\tthrow failed(ex);\n\t\t}\n");
		}
		else {
			code.append("\t\t").append(statement).append('\n');
		}
		return code.append("\t}\n").append(helper).toString();
	}

	// A static helper that makes the StatementRecording of a statement-creating method:
	// A root with physicalForStatement(String) creates statements on what that returns
	// for their SQL (null when a plain statement's SQL comes later); a callable
	// statement's SQL is never a plain read.
	private static String statementTarget(ExecutableElement method, String delegate) {
		String name = method.getSimpleName().toString();
		if (name.equals("prepareStatement")) {
			return STATEMENT_TARGET + "(a0)";
		}
		if (name.equals("prepareCall")) {
			return STATEMENT_TARGET + "(a0)";
		}
		return name.equals("createStatement") ? STATEMENT_TARGET + "(null)" : delegate;
	}

	// static, so that the anonymous class does not hold the logical connection.
	private static String recordingHelper(ExecutableElement method, String helperName) {
		return "\n\tprivate static io.routingpools.routing.StatementRecording " + helperName + parameters(method)
				+ " {\n\t\treturn new io.routingpools.routing.StatementRecording() {\n\t\t\t@Override\n"
				+ "\t\t\tjava.sql.Statement create(java.sql.Connection c) throws java.sql.SQLException {\n"
				+ "\t\t\t\treturn c." + method.getSimpleName() + "(" + arguments(method) + ");\n\t\t\t}\n\t\t};\n\t}\n";
	}

	// What a statement root with a recording does for a method (see the class comment):
	// a setter's recording, or what precedes the delegation.
	private String recordingPrefix(ExecutableElement method) {
		String name = method.getSimpleName().toString();
		boolean isVoid = "void".equals(method.getReturnType().toString());
		if (name.startsWith("execute") || name.equals("addBatch")) {
			// SQL passed to the execution may decide where it runs (auto-commit reads).
			boolean sql = !method.getParameters().isEmpty()
					&& "java.lang.String".equals(method.getParameters().get(0).asType().toString());
			if (name.equals("addBatch")) {
				return sql ? "batching(a0);\n\t\t\t" : "this." + RECORDING + " = null;\n\t\t\t";
			}
			return sql ? "executing(a0);\n\t\t\t" : "executing();\n\t\t\t";
		}
		if (isVoid && (name.startsWith("set") || name.equals("clearParameters"))) {
			String unreplayable = null;
			int objectIndex = -1;
			for (int i = 0; i < method.getParameters().size(); i++) {
				TypeMirror type = this.types.erasure(method.getParameters().get(i).asType());
				if (NOT_REPLAYABLE.stream()
					.anyMatch((notReplayable) -> this.types.isAssignable(type,
							this.types.erasure(require(notReplayable).asType())))) {
					unreplayable = type.toString();
				}
				else if ("java.lang.Object".equals(type.toString()) && objectIndex < 0) {
					objectIndex = i;
				}
			}
			if (unreplayable != null) {
				return "this." + RECORDING + " = null;\n\t\t\t";
			}
			// The recorded statement is a java.sql.Statement: cast for the methods of its
			// subinterfaces.
			String owner = ((TypeElement) method.getEnclosingElement()).getQualifiedName().toString();
			String target = "java.sql.Statement".equals(owner) ? "s" : "((" + owner + ") s)";
			String replay = "(s) -> " + target + "." + name + "(" + arguments(method) + ")";
			String record = (objectIndex >= 0) ? "record(a" + objectIndex + ", " + replay + ");"
					: "record(" + replay + ");";
			return "if (this." + RECORDING + " != null) {\n\t\t\t\t" + record + "\n\t\t\t}";
		}
		boolean plainGetter = method.getParameters().isEmpty() && method.getReturnType().getKind().isPrimitive()
				&& (name.startsWith("get") || name.startsWith("is"));
		return plainGetter ? "" : "this." + RECORDING + " = null;\n\t\t\t";
	}

	// java.sql.Wrapper on a root that wraps a delegate: this object first, then the driver's.
	// A driver object handed out ends a statement's recording: it would outlive a re-run.
	private static String wrapperMethod(ExecutableElement method, String delegate, boolean recording) {
		if (method.getSimpleName().contentEquals("unwrap")) {
			if (recording) {
				return "\n\t@Override\n\tpublic <T> T unwrap(java.lang.Class<T> a0) throws java.sql.SQLException {\n"
						+ "\t\tif (a0.isInstance(this)) {\n\t\t\treturn a0.cast(this);\n\t\t}\n\t\tthis."
						+ RECORDING + " = null;\n\t\treturn " + delegate + ".unwrap(a0);\n\t}\n";
			}
			return "\n\t@Override\n\tpublic <T> T unwrap(java.lang.Class<T> a0) throws java.sql.SQLException {\n"
					+ "\t\treturn a0.isInstance(this) ? a0.cast(this) : " + delegate + ".unwrap(a0);\n\t}\n";
		}
		if (method.getSimpleName().contentEquals("isWrapperFor")) {
			return "\n\t@Override\n\tpublic boolean isWrapperFor(java.lang.Class<?> a0) throws java.sql.SQLException {\n"
					+ "\t\treturn a0.isInstance(this) || " + delegate + ".isWrapperFor(a0);\n\t}\n";
		}
		return null;
	}

	private static String parameters(ExecutableElement executable) {
		List<String> parameters = new ArrayList<>();
		for (int i = 0; i < executable.getParameters().size(); i++) {
			// The generated class is @NullUnmarked: the roots' nullness annotations are left out.
			String type = executable.getParameters().get(i).asType().toString().replaceAll("@\\S+ ", "");
			parameters.add(type + " a" + i);
		}
		return parameters.stream().collect(Collectors.joining(", ", "(", ")"));
	}

	private static String arguments(ExecutableElement executable) {
		List<String> arguments = new ArrayList<>();
		for (int i = 0; i < executable.getParameters().size(); i++) {
			arguments.add("a" + i);
		}
		return String.join(", ", arguments);
	}

}
