package dev.switchboard.deploy;

import dev.switchboard.catalog.CatalogProvider;
import dev.switchboard.providers.ProviderSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappings;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The environment variables that reach a setting of the app, for checking deployment files against it: every
 * property of its {@code @ConfigMapping} interfaces and {@code @ConfigProperty} fields (found in its compiled
 * classes), every property of its running configuration (Quarkus' own), and each provider setting of each catalog
 * provider (read by name), in SmallRye's environment form: non-alphanumerics to underscores, upper case.
 */
final class AppSettings {

    private static final Path CLASSES = Path.of("target", "classes");

    private AppSettings() {
    }

    static Set<String> environmentVariables(Collection<CatalogProvider> providers) {
        Set<String> properties = new HashSet<>();
        ConfigProvider.getConfig().getPropertyNames().forEach(properties::add);
        for (Class<?> type : appClasses()) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            if (mapping != null) {
                properties.addAll(ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(type)).keySet());
            }
            for (Field field : type.getDeclaredFields()) {
                ConfigProperty property = field.getAnnotation(ConfigProperty.class);
                if (property != null && !property.name().isEmpty()) {
                    properties.add(property.name());
                }
            }
        }
        for (CatalogProvider provider : providers) {
            for (RecordComponent setting : ProviderSettings.class.getRecordComponents()) {
                if (!setting.getName().equals("slug")) {
                    properties.add("switchboard.provider." + provider.slug() + "." + kebab(setting.getName()));
                }
            }
        }
        Set<String> variables = new HashSet<>();
        properties.forEach(p -> variables.add(envName(p)));
        return variables;
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static Set<Class<?>> appClasses() {
        Set<Class<?>> classes = new HashSet<>();
        ClassLoader loader = AppSettings.class.getClassLoader();
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    classes.add(Class.forName(name, false, loader));
                } catch (ClassNotFoundException | LinkageError notLoadable) {
                    // generated or optional classes that do not load here hold no settings of ours
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }
}
