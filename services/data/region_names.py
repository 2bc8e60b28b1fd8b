"""The hand-written facts behind the regions loader (services/data/regions.py): how GeoNames'
first-level codes map to ISO 3166-2, the capitals that settle the mapping where no table is
written, and the short names people type that no package carries ("CDMX", "Nueva York").

Every entry is a public fact about a place, keyed by an ISO 3166-2 code that pycountry ships;
tests/services_tests/test_taxonomy_and_regions.py checks that each mapped code is loaded.
"""

from __future__ import annotations

# GeoNames first-level code → ISO 3166-2 suffix, for the countries where it was checked by hand.
ADMIN1_TO_ISO: dict[str, dict[str, str]] = {
    "CO": {
        "01": "AMA", "02": "ANT", "03": "ARA", "04": "ATL", "08": "CAQ", "09": "CAU", "10": "CES",
        "11": "CHO", "12": "COR", "14": "GUV", "15": "GUA", "16": "HUI", "17": "LAG", "19": "MET",
        "20": "NAR", "21": "NSA", "22": "PUT", "23": "QUI", "24": "RIS", "25": "SAP", "26": "SAN",
        "27": "SUC", "28": "TOL", "29": "VAC", "30": "VAU", "31": "VID", "32": "CAS", "33": "CUN",
        "34": "DC", "35": "BOL", "36": "BOY", "37": "CAL", "38": "MAG",
    },
    "CL": {
        "01": "VS", "02": "AI", "03": "AN", "04": "AR", "05": "AT", "06": "BI", "07": "CO",
        "08": "LI", "10": "MA", "11": "ML", "12": "RM", "14": "LL", "15": "TA", "16": "AP",
        "17": "LR", "18": "NB",
    },
    "EC": {
        "01": "W", "02": "A", "03": "B", "04": "F", "05": "C", "06": "H", "07": "X", "08": "O",
        "09": "E", "10": "G", "11": "I", "12": "L", "13": "R", "14": "M", "15": "S", "17": "Y",
        "18": "P", "19": "T", "20": "Z", "22": "U", "23": "N", "24": "D", "25": "SE", "26": "SD",
    },
    "BR": {
        "01": "AC", "02": "AL", "03": "AP", "04": "AM", "05": "BA", "06": "CE", "07": "DF",
        "08": "ES", "11": "MS", "13": "MA", "14": "MT", "15": "MG", "16": "PA", "17": "PB",
        "18": "PR", "20": "PI", "21": "RJ", "22": "RN", "23": "RS", "24": "RO", "25": "RR",
        "26": "SC", "27": "SP", "28": "SE", "29": "GO", "30": "PE", "31": "TO",
    },
    "MX": {
        "01": "AGU", "02": "BCN", "03": "BCS", "04": "CAM", "05": "CHP", "06": "CHH", "07": "COA",
        "08": "COL", "09": "CMX", "10": "DUR", "11": "GUA", "12": "GRO", "13": "HID", "14": "JAL",
        "15": "MEX", "16": "MIC", "17": "MOR", "18": "NAY", "19": "NLE", "20": "OAX", "21": "PUE",
        "22": "QUE", "23": "ROO", "24": "SLP", "25": "SIN", "26": "SON", "27": "TAB", "28": "TAM",
        "29": "TLA", "30": "VER", "31": "YUC", "32": "ZAC",
    },
    "PE": {
        "01": "AMA", "02": "ANC", "03": "APU", "04": "ARE", "05": "AYA", "06": "CAJ", "07": "CAL",
        "08": "CUS", "09": "HUV", "10": "HUC", "11": "ICA", "12": "JUN", "13": "LAL", "14": "LAM",
        "15": "LIM", "16": "LOR", "17": "MDD", "18": "MOQ", "19": "PAS", "20": "PIU", "21": "PUN",
        "22": "SAM", "23": "TAC", "24": "TUM", "25": "UCA", "LMA": "LMA",
    },
    "VE": {
        "01": "Z", "02": "B", "03": "C", "04": "D", "05": "E", "06": "F", "07": "G", "08": "H",
        "09": "Y", "11": "I", "12": "J", "13": "K", "14": "L", "15": "M", "16": "N", "17": "O",
        "18": "P", "19": "R", "20": "S", "21": "T", "22": "U", "23": "V", "24": "W", "25": "A",
        "26": "X",
    },
}  # fmt: skip

# The Dominican Republic's first ISO level is ten development regions that nobody types; its
# provinces (ISO's second level) are what GeoNames and people use.
PROVINCES_AS_FIRST_LEVEL = frozenset({"DO"})

# Countries whose subdivision codes people type as abbreviations ("Houston, TX", "Manaus, AM").
TYPED_CODE_COUNTRIES = frozenset({"US", "CA", "BR"})

# The seat of each subdivision, for the countries without an ADMIN1_TO_ISO table: the GeoNames
# first-level code of the biggest town of this name is the subdivision's.
SUBDIVISION_CAPITALS: dict[str, str] = {
    # Guatemala
    "GT-01": "Guatemala City", "GT-02": "Guastatoya", "GT-03": "Antigua Guatemala",
    "GT-04": "Chimaltenango", "GT-05": "Escuintla", "GT-06": "Cuilapa", "GT-07": "Sololá",
    "GT-08": "Totonicapán", "GT-09": "Quetzaltenango", "GT-10": "Mazatenango",
    "GT-11": "Retalhuleu", "GT-12": "San Marcos", "GT-13": "Huehuetenango",
    "GT-14": "Santa Cruz del Quiché", "GT-15": "Salamá", "GT-16": "Cobán", "GT-17": "Flores",
    "GT-18": "Puerto Barrios", "GT-19": "Zacapa", "GT-20": "Chiquimula", "GT-21": "Jalapa",
    "GT-22": "Jutiapa",
    # El Salvador
    "SV-AH": "Ahuachapán", "SV-CA": "Sensuntepeque", "SV-CH": "Chalatenango",
    "SV-CU": "Cojutepeque", "SV-LI": "Santa Tecla", "SV-MO": "San Francisco Gotera",
    "SV-PA": "Zacatecoluca", "SV-SA": "Santa Ana", "SV-SM": "San Miguel",
    "SV-SO": "Sonsonate", "SV-SS": "San Salvador", "SV-SV": "San Vicente",
    "SV-UN": "La Unión", "SV-US": "Usulután",
    # Honduras
    "HN-AT": "La Ceiba", "HN-CH": "Choluteca", "HN-CL": "Trujillo", "HN-CM": "Comayagua",
    "HN-CP": "Santa Rosa de Copán", "HN-CR": "San Pedro Sula", "HN-EP": "Yuscarán",
    "HN-FM": "Tegucigalpa", "HN-GD": "Puerto Lempira", "HN-IB": "Roatán",
    "HN-IN": "La Esperanza", "HN-LE": "Gracias", "HN-OC": "Nueva Ocotepeque",
    "HN-OL": "Juticalpa", "HN-SB": "Santa Bárbara", "HN-VA": "Nacaome", "HN-YO": "Yoro",
    # Nicaragua
    "NI-AN": "Puerto Cabezas", "NI-AS": "Bluefields", "NI-BO": "Boaco", "NI-CA": "Jinotepe",
    "NI-CI": "Chinandega", "NI-CO": "Juigalpa", "NI-ES": "Estelí", "NI-GR": "Granada",
    "NI-JI": "Jinotega", "NI-LE": "León", "NI-MD": "Somoto", "NI-MN": "Managua",
    "NI-MS": "Masaya", "NI-MT": "Matagalpa", "NI-NS": "Ocotal", "NI-RI": "Rivas",
    "NI-SJ": "San Carlos",
    # Costa Rica
    "CR-A": "Alajuela", "CR-C": "Cartago", "CR-G": "Liberia", "CR-H": "Heredia",
    "CR-L": "Limón", "CR-P": "Puntarenas", "CR-SJ": "San José",
    # Panamá
    "PA-1": "Bocas del Toro", "PA-2": "Penonomé", "PA-3": "Colón", "PA-4": "David",
    "PA-5": "La Palma", "PA-6": "Chitré", "PA-7": "Las Tablas", "PA-8": "Panama City",
    "PA-9": "Santiago de Veraguas", "PA-10": "La Chorrera",
    # Dominican Republic (provinces)
    "DO-01": "Santo Domingo", "DO-02": "Azua", "DO-03": "Neiba", "DO-04": "Barahona",
    "DO-05": "Dajabón", "DO-06": "San Francisco de Macorís", "DO-07": "Comendador",
    "DO-08": "Santa Cruz de El Seibo", "DO-09": "Moca", "DO-10": "Jimaní",
    "DO-11": "Salvaleón de Higüey", "DO-12": "La Romana", "DO-13": "La Vega",
    "DO-14": "Nagua", "DO-15": "Monte Cristi", "DO-16": "Pedernales", "DO-17": "Baní",
    "DO-18": "Puerto Plata", "DO-19": "Salcedo", "DO-20": "Samaná", "DO-21": "San Cristóbal",
    "DO-22": "San Juan de la Maguana", "DO-23": "San Pedro de Macorís",
    "DO-24": "Cotuí", "DO-25": "Santiago de los Caballeros", "DO-26": "Sabaneta",
    "DO-27": "Mao", "DO-28": "Bonao", "DO-29": "Monte Plata", "DO-30": "Hato Mayor del Rey",
    "DO-31": "San José de Ocoa", "DO-32": "Santo Domingo Este",
    # Haiti
    "HT-AR": "Gonaïves", "HT-CE": "Hinche", "HT-GA": "Jérémie", "HT-ND": "Cap-Haïtien",
    "HT-NE": "Fort-Liberté", "HT-NI": "Miragoâne", "HT-NO": "Port-de-Paix",
    "HT-OU": "Port-au-Prince", "HT-SD": "Les Cayes", "HT-SE": "Jacmel",
    # Argentina
    "AR-A": "Salta", "AR-B": "La Plata", "AR-C": "Buenos Aires",
    "AR-D": "San Luis", "AR-E": "Paraná", "AR-F": "La Rioja", "AR-G": "Santiago del Estero",
    "AR-H": "Resistencia", "AR-J": "San Juan", "AR-K": "San Fernando del Valle de Catamarca",
    "AR-L": "Santa Rosa", "AR-M": "Mendoza", "AR-N": "Posadas", "AR-P": "Formosa",
    "AR-Q": "Neuquén", "AR-R": "Viedma", "AR-S": "Santa Fe", "AR-T": "San Miguel de Tucumán",
    "AR-U": "Rawson", "AR-V": "Ushuaia", "AR-W": "Corrientes", "AR-X": "Córdoba",
    "AR-Y": "San Salvador de Jujuy", "AR-Z": "Río Gallegos",
    # Spain (autonomous communities and cities)
    "ES-AN": "Sevilla", "ES-AR": "Zaragoza", "ES-AS": "Oviedo", "ES-CB": "Santander",
    "ES-CE": "Ceuta", "ES-CL": "Valladolid", "ES-CM": "Toledo",
    "ES-CN": "Las Palmas de Gran Canaria", "ES-CT": "Barcelona", "ES-EX": "Mérida",
    "ES-GA": "Santiago de Compostela", "ES-IB": "Palma", "ES-MC": "Murcia", "ES-MD": "Madrid",
    "ES-ML": "Melilla", "ES-NC": "Pamplona", "ES-PV": "Vitoria-Gasteiz", "ES-RI": "Logroño",
    "ES-VC": "Valencia",
    # Bolivia
    "BO-B": "Trinidad", "BO-C": "Cochabamba", "BO-H": "Sucre", "BO-L": "La Paz",
    "BO-N": "Cobija", "BO-O": "Oruro", "BO-P": "Potosí", "BO-S": "Santa Cruz de la Sierra",
    "BO-T": "Tarija",
    # Paraguay
    "PY-1": "Concepción", "PY-2": "San Pedro", "PY-3": "Caacupé", "PY-4": "Villarrica",
    "PY-5": "Coronel Oviedo", "PY-6": "Caazapá", "PY-7": "Encarnación",
    "PY-8": "San Juan Bautista", "PY-9": "Paraguarí", "PY-10": "Ciudad del Este",
    "PY-11": "Areguá", "PY-12": "Pilar", "PY-13": "Pedro Juan Caballero",
    "PY-14": "Salto del Guairá", "PY-15": "Villa Hayes", "PY-16": "Fuerte Olimpo",
    "PY-19": "Filadelfia", "PY-ASU": "Asunción",
    # Uruguay
    "UY-AR": "Artigas", "UY-CA": "Canelones", "UY-CL": "Melo",
    "UY-CO": "Colonia del Sacramento", "UY-DU": "Durazno", "UY-FD": "Florida",
    "UY-FS": "Trinidad", "UY-LA": "Minas", "UY-MA": "Maldonado", "UY-MO": "Montevideo",
    "UY-PA": "Paysandú", "UY-RN": "Fray Bentos", "UY-RO": "Rocha", "UY-RV": "Rivera",
    "UY-SA": "Salto", "UY-SJ": "San José de Mayo", "UY-SO": "Mercedes",
    "UY-TA": "Tacuarembó", "UY-TT": "Treinta y Tres",
    # Cuba
    "CU-01": "Pinar del Río", "CU-03": "Havana", "CU-04": "Matanzas", "CU-05": "Santa Clara",
    "CU-06": "Cienfuegos", "CU-07": "Sancti Spíritus", "CU-08": "Ciego de Ávila",
    "CU-09": "Camagüey", "CU-10": "Las Tunas", "CU-11": "Holguín", "CU-12": "Bayamo",
    "CU-13": "Santiago de Cuba", "CU-14": "Guantánamo", "CU-15": "Artemisa",
    "CU-16": "San José de las Lajas", "CU-99": "Nueva Gerona",
    # Canada
    "CA-AB": "Edmonton", "CA-BC": "Victoria", "CA-MB": "Winnipeg", "CA-NB": "Fredericton",
    "CA-NL": "St. John's", "CA-NS": "Halifax", "CA-NT": "Yellowknife", "CA-NU": "Iqaluit",
    "CA-ON": "Toronto", "CA-PE": "Charlottetown", "CA-QC": "Québec", "CA-SK": "Regina",
    "CA-YT": "Whitehorse",
    # Belize
    "BZ-BZ": "Belize City", "BZ-CY": "San Ignacio", "BZ-CZL": "Corozal",
    "BZ-OW": "Orange Walk", "BZ-SC": "Dangriga", "BZ-TOL": "Punta Gorda",
    # Jamaica
    "JM-01": "Kingston", "JM-02": "Half Way Tree", "JM-03": "Morant Bay",
    "JM-04": "Port Antonio", "JM-05": "Port Maria", "JM-06": "Saint Ann's Bay",
    "JM-07": "Falmouth", "JM-08": "Montego Bay", "JM-09": "Lucea", "JM-10": "Savanna-la-Mar",
    "JM-11": "Black River", "JM-12": "Mandeville", "JM-13": "May Pen", "JM-14": "Spanish Town",
}  # fmt: skip

# Short and everyday names that the ISO lists do not carry.
SUBDIVISION_ALIASES: dict[str, tuple[str, ...]] = {
    "MX-CMX": ("CDMX", "DF", "Distrito Federal", "México DF", "Mexico City", "Ciudad de México"),
    "MX-MEX": ("Edomex", "Estado de México"),
    "MX-BCN": ("Baja California Norte",),
    "CO-DC": ("Bogotá DC", "Bogotá D.C."),
    "CO-SAP": ("San Andrés", "San Andrés y Providencia"),
    "US-DC": ("Washington DC", "Washington D.C.", "Distrito de Columbia"),
    "US-NY": ("Nueva York", "Estado de Nueva York"),
    "US-NM": ("Nuevo México",),
    "US-NC": ("Carolina del Norte",),
    "US-SC": ("Carolina del Sur",),
    "US-ND": ("Dakota del Norte",),
    "US-SD": ("Dakota del Sur",),
    "US-WV": ("Virginia Occidental",),
    "US-LA": ("Luisiana",),
    "US-PA": ("Pensilvania",),
    "US-MO": ("Misuri",),
    "US-HI": ("Hawái",),
    "US-TX": ("Tejas",),
    "US-NJ": ("Nueva Jersey",),
    "US-MI": ("Míchigan",),
    "US-OR": ("Oregón",),
    "EC-SD": ("Santo Domingo",),
    "PA-5": ("El Darién", "Tapón del Darién", "Darien Gap"),
    "CL-RM": ("Región Metropolitana", "Santiago Metropolitana"),
    "AR-C": ("CABA", "Capital Federal"),
}  # fmt: skip

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "EEUU", "EE UU", "EE.UU.", "EUA", "Estados Unidos de América", "Etazini"),
    "DO": ("República Dominicana", "Dominicana"),
    "HT": ("Ayiti", "Haití"),
    "MX": ("Méjico",),
    "BR": ("Brasil",),
    "ES": ("España", "Espanha"),
    "PA": ("Panamá",),
    "PR": ("Porto Rico",),
}

# Nicknames of towns, by GeoNames id, that GeoNames does not list.
TOWN_ALIASES: dict[int, tuple[str, ...]] = {
    3600949: ("Tegus",),  # Tegucigalpa
    3601782: ("SPS", "San Pedro"),  # San Pedro Sula
    3590979: ("Xela",),  # Quetzaltenango
    3598129: ("Tecún Umán",),  # Ciudad Tecún Umán
    3530597: ("DF",),  # Mexico City
    3703443: ("Ciudad de Panamá", "Panamá City"),  # Panama City
}

# Border crossings people name that GeoNames lists under no town of its own: (code suffix, name,
# subdivision, latitude, longitude, time zone). Codes are "<subdivision>-X<suffix>".
EXTRA_TOWNS: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("PASOCANOAS", "Paso Canoas", "CR-P", 8.5336, -82.8386, "America/Costa_Rica"),
    ("RUMICHACA", "Rumichaca", "CO-NAR", 0.8164, -77.6622, "America/Bogota"),
)
