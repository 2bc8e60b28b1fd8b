"""Enlace's open vocabulary of needs: hierarchical, Spanish and English labels, search keywords
in both languages, and the Open Eligibility term (its path slug) where one exists.

Keywords are what people type rather than what the tree says ("abogado", "lawyer" for immigration
legal help); the search vector of every tagged service carries its terms' labels and keywords.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from services.models import Taxonomy, TaxonomyTerm

TAXONOMY_NAME = "Enlace"
TAXONOMY_URI = "https://enlace.example/taxonomy"
TAXONOMY_VERSION = "1"


@dataclass(frozen=True)
class Term:
    code: str
    parent: str | None
    es: str
    en: str
    keywords: str = ""
    open_eligibility: str = ""


TERMS: tuple[Term, ...] = (
    Term("housing", None, "Alojamiento", "Housing", "vivienda casa techo", "human_services:housing"),
    Term(
        "emergency-shelter", "housing", "Albergue de emergencia", "Emergency shelter",
        "albergue refugio hogar de paso dormir noche shelter refuge",
        "human_services:housing:emergency_shelter",
    ),
    Term(
        "trafficking-shelter", "emergency-shelter", "Albergue especializado en trata",
        "Trafficking-specialised shelter",
        "trata de personas víctimas sobrevivientes casa refugio trafficking survivors",
    ),
    Term(
        "safe-housing", "housing", "Vivienda segura", "Safe housing",
        "casa segura vivienda transitoria safe house transitional housing",
        "human_services:housing:residential_housing:safe_housing",
    ),
    Term(
        "hotline", None, "Línea de ayuda", "Hotline",
        "teléfono línea gratuita llamar whatsapp helpline phone call",
        "human_services:care:help_hotline",
    ),
    Term(
        "crisis-line", "hotline", "Línea de crisis", "Crisis line",
        "crisis emergencia urgencia suicidio crisis emergency urgent",
    ),
    Term(
        "legal", None, "Asistencia jurídica", "Legal aid",
        "abogado abogada asesoría legal jurídica derechos lawyer attorney legal advice",
        "human_services:legal:advocacy_legal_aid",
    ),
    Term(
        "immigration-legal", "legal", "Asesoría legal migratoria", "Immigration legal help",
        "abogado migratorio abogada de inmigración migración extranjería regularización "
        "permiso de permanencia refugio immigration lawyer attorney migrant status",
    ),
    Term("t-visa", "immigration-legal", "Visa T", "T visa", "visa T trata T-visa trafficking"),
    Term("u-visa", "immigration-legal", "Visa U", "U visa", "visa U víctimas de delito U-visa"),
    Term(
        "asylum", "immigration-legal", "Asilo y refugio", "Asylum and refugee status",
        "asilo refugiado solicitud de refugio asylum refugee",
    ),
    Term(
        "continued-presence", "immigration-legal", "Presencia Continuada", "Continued Presence",
        "presencia continuada continued presence CP",
    ),
    Term(
        "tps", "immigration-legal", "Estatus de Protección Temporal (TPS)",
        "Temporary Protected Status (TPS)", "TPS estatus de protección temporal",
    ),
    Term(
        "labour-rights", "legal", "Derechos laborales", "Labour rights",
        "trabajo explotación laboral salario despido labor rights wages exploitation",
    ),
    Term("health", None, "Salud", "Health", "salud health", "human_services:health"),
    Term(
        "medical-care", "health", "Atención médica", "Medical care",
        "médico médica doctor clínica hospital consulta medical clinic",
        "human_services:health:medical_care",
    ),
    Term(
        "sexual-reproductive-health", "health", "Salud sexual y reproductiva",
        "Sexual and reproductive health",
        "anticonceptivos embarazo VIH ITS planificación familiar contraception pregnancy HIV",
        "human_services:health:health_education:family_planning",
    ),
    Term(
        "mental-health", "health", "Salud mental", "Mental health",
        "psicólogo psicóloga psicosocial terapia trauma psychologist therapy counselling",
        "human_services:health:mental_health_care",
    ),
    Term(
        "substance-use", "health", "Consumo de sustancias", "Substance use",
        "drogas alcohol adicción desintoxicación drugs addiction recovery",
        "human_services:health:addiction_recovery",
    ),
    Term(
        "case-management", None, "Acompañamiento y gestión de casos", "Case management",
        "acompañamiento gestor de casos trabajadora social caseworker social worker",
    ),
    Term(
        "interpretation", None, "Interpretación", "Interpretation",
        "intérprete traducción idiomas interpreter translation",
    ),
    Term(
        "basic-needs", None, "Alimentación y ropa", "Food and clothing",
        "comida alimentos mercado ropa kit de higiene food meals clothes",
        "human_services:food",
    ),
    Term(
        "food", "basic-needs", "Alimentación", "Food", "comida comedor alimentos meals",
        "human_services:food",
    ),
    Term(
        "clothing", "basic-needs", "Ropa", "Clothing", "ropa abrigo zapatos clothes",
        "human_services:goods:clothing",
    ),
    Term(
        "identity-documents", None, "Documentos de identidad", "Identity documents",
        "pasaporte cédula documento registro partida de nacimiento passport ID papers",
    ),
    Term(
        "repatriation", None, "Repatriación y retorno", "Repatriation and return",
        "retorno voluntario volver a casa repatriación return home",
    ),
    Term(
        "family-reunification", None, "Reunificación familiar", "Family reunification",
        "familia reunificación búsqueda de familiares family tracing",
    ),
    Term(
        "child-protection", None, "Protección infantil", "Child protection",
        "niños niñas adolescentes menores no acompañados children minors unaccompanied",
    ),
    Term(
        "education-employment", None, "Educación y empleo", "Education and employment",
        "educación escuela curso empleo trabajo formación education school job work",
    ),
    Term(
        "education", "education-employment", "Educación", "Education", "escuela curso school",
        "human_services:education",
    ),
    Term(
        "employment", "education-employment", "Empleo", "Employment",
        "empleo trabajo formación laboral job training", "human_services:work",
    ),
)  # fmt: skip


def load_taxonomy() -> tuple[Taxonomy, int]:
    """Creates or updates the vocabulary; returns the taxonomy and how many terms changed.
    Idempotent: a second run changes nothing."""
    changed = 0
    with transaction.atomic():
        taxonomy, _created = Taxonomy.objects.get_or_create(
            name=TAXONOMY_NAME,
            defaults={
                "description": "Enlace's open vocabulary of needs (Spanish and English), mapped "
                "to Open Eligibility where a term exists.",
                "uri": TAXONOMY_URI,
                "version": TAXONOMY_VERSION,
            },
        )
        existing = {term.code: term for term in TaxonomyTerm.objects.filter(taxonomy=taxonomy)}
        for spec in TERMS:
            wanted = {
                "name": spec.es,
                "name_es": spec.es,
                "name_en": spec.en,
                "description": "",
                "keywords": spec.keywords,
                "open_eligibility_code": spec.open_eligibility,
                "parent": existing.get(spec.parent) if spec.parent else None,
                "term_uri": f"{TAXONOMY_URI}/{spec.code}",
            }
            term = existing.get(spec.code)
            if term is None:
                term = TaxonomyTerm.objects.create(taxonomy=taxonomy, code=spec.code, **wanted)
                existing[spec.code] = term
                changed += 1
                continue
            dirty = [k for k, v in wanted.items() if getattr(term, k) != v]
            if dirty:
                for key in dirty:
                    setattr(term, key, wanted[key])
                term.save(update_fields=dirty)
                changed += 1
    return taxonomy, changed
